// Whole-store operations (stats, verify, gc) and several writers at once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "osbuild/util/hash.h"
#include "store_test_util.h"

namespace osbuild::store::testing {
namespace {

// What a file takes on disk: the sizes stats and gc count.
std::uint64_t disk_bytes(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return static_cast<std::uint64_t>(st.st_blocks) * 512;
}

TEST_F(StoreTest, StatsCountEntriesAndIgnoreOtherFiles) {
  m_store.put_bytes("one");
  m_store.put_bytes("three");
  m_store.put_action(sha256_hex("k"), Json{{"outputs", Json::array()}});
  write_source("cache/cas/README", "not an entry");
  write_source("cache/cas/ab/cd", "not an entry either");
  write_source("cache/cas/incoming.tmp.abcdef", "a write in progress");
  auto s = m_store.stats();
  EXPECT_EQ(s.cas_entries, 2u);
  EXPECT_EQ(s.cas_bytes, disk_bytes(m_store.blob_path(sha256_hex("one"))) +
                             disk_bytes(m_store.blob_path(sha256_hex("three"))));
  EXPECT_EQ(s.ac_entries, 1u);
  EXPECT_EQ(s.ac_bytes, disk_bytes(cache() / "ac" / sha256_hex("k").substr(0, 2) / sha256_hex("k")));
}

TEST_F(StoreTest, SparseFilesCountWhatTheyTakeOnDisk) {
  // A 1 GiB disk image with 64 KiB written, adopted as images are: stats and gc count 64 KiB.
  fs::path image = cache().parent_path() / "disk.img";
  {
    Fd fd(::open(image.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    ASSERT_GE(fd.fd, 0);
    ASSERT_EQ(::ftruncate(fd.fd, 1 << 30), 0);
    std::string data(65536, 'x');
    ASSERT_EQ(::pwrite(fd.fd, data.data(), data.size(), 1 << 20), 65536);
  }
  fs::create_directories(cache() / "cas");
  std::string digest = m_store.adopt_file(image);
  std::uint64_t on_disk = disk_bytes(m_store.blob_path(digest));
  ASSERT_LT(on_disk, 1u << 20) << "the file system here does not keep holes";
  EXPECT_EQ(m_store.stats().cas_bytes, on_disk);
  GcReport report = m_store.gc(100 << 20);
  EXPECT_EQ(report.removed_entries, 0u);
  EXPECT_EQ(report.remaining_bytes, on_disk);
}

// A stat signature as the no-op stamp records one: mtime, inode, size.
std::string marker_signature(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "-";
  return std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "." +
         std::to_string(st.st_ino) + "." + std::to_string(st.st_size);
}

TEST_F(StoreTest, EveryRemovalMovesTheRemovalsMarker) {
  fs::path marker = m_store.removals_marker();
  EXPECT_EQ(marker, cache() / "removed");
  std::string a = m_store.put_bytes("kept");
  std::string b = m_store.put_bytes("corrupted later");
  m_store.put_bytes("evicted");
  EXPECT_EQ(marker_signature(marker), "-") << "puts remove nothing";
  EXPECT_TRUE(m_store.get_blob(a));
  EXPECT_EQ(m_store.gc(100 << 20).removed_entries, 0u);
  EXPECT_EQ(marker_signature(marker), "-") << "reads and a gc that removes nothing";

  // Back to back, within one clock tick: each move is still a new signature.
  std::vector<std::string> seen{marker_signature(marker)};
  flip_byte(m_store.blob_path(b), 0);
  EXPECT_FALSE(m_store.get_blob(b));  // a corrupt entry dropped on read
  seen.push_back(marker_signature(marker));
  flip_byte(m_store.blob_path(a), 0);
  EXPECT_EQ(m_store.verify().removed.size(), 1u);
  seen.push_back(marker_signature(marker));
  EXPECT_GT(m_store.gc(0).removed_entries, 0u);
  seen.push_back(marker_signature(marker));
  m_store.note_missing_entry();  // a stage found an artifact gone
  seen.push_back(marker_signature(marker));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "a signature came back";
}

TEST_F(StoreTest, StatsOfAnAbsentStoreAreZero) {
  auto s = m_store.stats();
  EXPECT_EQ(s.cas_entries + s.ac_entries + s.cas_bytes + s.ac_bytes, 0u);
  EXPECT_EQ(m_store.verify().checked, 0u);
  EXPECT_EQ(m_store.gc(0).removed_entries, 0u);
  EXPECT_FALSE(fs::exists(cache()));
}

TEST_F(StoreTest, VerifyRemovesCorruptEntriesAndReportsThem) {
  std::string good = m_store.put_bytes("good blob");
  std::string bad = m_store.put_bytes("bad blob");
  std::string cut = m_store.put_bytes("truncated blob");
  std::string good_key = sha256_hex("good key");
  std::string bad_key = sha256_hex("bad key");
  m_store.put_action(good_key, Json{{"outputs", Json::array({good})}});
  m_store.put_action(bad_key, Json{{"outputs", Json::array({bad})}});
  flip_byte(m_store.blob_path(bad), 0);
  fs::resize_file(m_store.blob_path(cut), 3);
  flip_byte(cache() / "ac" / bad_key.substr(0, 2) / bad_key, 30);

  auto report = m_store.verify();
  EXPECT_EQ(report.checked, 5u);
  ASSERT_EQ(report.removed.size(), 3u);
  std::sort(report.removed.begin(), report.removed.end());
  EXPECT_EQ(report.removed[0].rfind("ac/" + bad_key + ": content hashes to ", 0), 0u);
  std::vector<std::string> blobs = {
      "cas/" + bad + ": content hashes to " + sha256_hex("cad blob") + ", removed",
      "cas/" + cut + ": content hashes to " + sha256_hex("tru") + ", removed"};
  std::sort(blobs.begin(), blobs.end());
  EXPECT_EQ(report.removed[1], blobs[0]);
  EXPECT_EQ(report.removed[2], blobs[1]);
  EXPECT_TRUE(m_store.get_blob(good));
  EXPECT_TRUE(m_store.get_action(good_key));
  EXPECT_FALSE(m_store.has_blob(bad));
  EXPECT_FALSE(m_store.has_blob(cut));
  EXPECT_TRUE(m_warnings.empty()) << "verify reports through its report, not as warnings";

  auto again = m_store.verify();
  EXPECT_EQ(again.checked, 2u);
  EXPECT_TRUE(again.removed.empty());
}

TEST_F(StoreTest, VerifyIsNotAUse) {
  std::string digest = m_store.put_bytes("checked, not used");
  std::string key = sha256_hex("key");
  m_store.put_action(key, Json::object());
  // A last use before the write is what relatime mounts update on any read.
  set_times(m_store.blob_path(digest), 1000, 2000);
  set_times(cache() / "ac" / key.substr(0, 2) / key, 1000, 2000);
  EXPECT_TRUE(m_store.verify().removed.empty());
  EXPECT_EQ(last_use_of(m_store.blob_path(digest)), 1000);
  EXPECT_EQ(last_use_of(cache() / "ac" / key.substr(0, 2) / key), 1000);
}

TEST_F(StoreTest, GcEvictsLeastRecentlyUsedFirst) {
  // Four 64 KiB blobs, last used in the order b, d, a, c, written in the opposite order.
  std::map<std::string, std::string> digest;
  for (std::string name : {"a", "b", "c", "d"}) {
    digest[name] = m_store.put_bytes(std::string(65536, name[0]));
  }
  const std::uint64_t one = disk_bytes(m_store.blob_path(digest["a"]));
  set_times(m_store.blob_path(digest["b"]), 1000, 4000);
  set_times(m_store.blob_path(digest["d"]), 2000, 3000);
  set_times(m_store.blob_path(digest["a"]), 3000, 2000);
  set_times(m_store.blob_path(digest["c"]), 4000, 1000);

  auto report = m_store.gc(2 * one + one / 2);
  EXPECT_EQ(report.removed_entries, 2u);
  EXPECT_EQ(report.removed_bytes, 2 * one);
  EXPECT_EQ(report.remaining_bytes, 2 * one);
  EXPECT_FALSE(m_store.has_blob(digest["b"]));
  EXPECT_FALSE(m_store.has_blob(digest["d"]));
  EXPECT_TRUE(m_store.has_blob(digest["a"]));
  EXPECT_TRUE(m_store.has_blob(digest["c"]));

  // A read makes the oldest the newest.
  ASSERT_TRUE(m_store.get_blob(digest["a"]));
  report = m_store.gc(one);
  EXPECT_EQ(report.removed_entries, 1u);
  EXPECT_TRUE(m_store.has_blob(digest["a"]));
  EXPECT_FALSE(m_store.has_blob(digest["c"]));
}

TEST_F(StoreTest, GcCountsActionResultsToo) {
  std::string blob = m_store.put_bytes(std::string(65536, 'x'));
  std::string key = sha256_hex("key");
  m_store.put_action(key, Json{{"outputs", Json::array({blob})}});
  fs::path action = cache() / "ac" / key.substr(0, 2) / key;
  set_last_use(action, 1000);
  set_last_use(m_store.blob_path(blob), 2000);
  auto report = m_store.gc(disk_bytes(m_store.blob_path(blob)));
  EXPECT_EQ(report.removed_entries, 1u);
  EXPECT_FALSE(fs::exists(action));
  EXPECT_TRUE(m_store.has_blob(blob));
  EXPECT_EQ(m_store.gc(0).remaining_bytes, 0u);
  EXPECT_EQ(m_store.stats().cas_entries, 0u);
}

TEST_F(StoreTest, GcRemovesStaleTemporaryFilesOnly) {
  m_store.put_bytes("keep me");
  fs::path stale = write_source("cache/cas/incoming.tmp.Ab12Cd", "interrupted");
  fs::path stale_ac = write_source("cache/ac/12/" + std::string(64, '1') + ".tmp.Zz9Yy8", "x");
  fs::path fresh = write_source("cache/cas/incoming.tmp.Ef34Gh", "in progress");
  set_times(stale, ::time(nullptr), ::time(nullptr) - 2 * 3600);
  set_times(stale_ac, ::time(nullptr), ::time(nullptr) - 2 * 3600);
  auto report = m_store.gc(1 << 30);
  EXPECT_EQ(report.removed_temp_files, 2u);
  EXPECT_EQ(report.removed_entries, 0u);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(stale_ac));
  EXPECT_TRUE(fs::exists(fresh));
  EXPECT_EQ(m_store.stats().cas_entries, 1u);
}

TEST_F(StoreTest, GcAndVerifyWaitForTheLockAndSayWhoHoldsIt) {
  auto held = FileLock::acquire(cache() / "lock", FileLock::Wait::no);
  ASSERT_TRUE(held);
  std::atomic<bool> waiting{false};
  Store other(cache(), Durability::cache);
  std::string message;
  other.set_warning_handler([&](const std::string& w) {
    message = w;
    waiting = true;
  });
  std::thread gc([&] { other.gc(0); });
  for (int i = 0; i < 500 && !waiting; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(waiting);
  held.reset();
  gc.join();
  EXPECT_EQ(
      message.rfind("waiting for the cache lock held by pid " + std::to_string(::getpid()), 0), 0u)
      << message;
}

TEST_F(StoreTest, ConcurrentPutsOfTheSameContentFromThreads) {
  std::string data(3 << 20, 'q');
  fs::path source = write_source("same", data);
  std::string expected = sha256_hex(data);
  std::atomic<int> wrong{0};
  auto worker = [&] {
    Store store(cache(), Durability::cache);
    for (int i = 0; i < 20; ++i) {
      if (store.put_file(source) != expected || store.put_bytes("small") != sha256_hex("small")) {
        ++wrong;
      }
    }
  };
  std::thread one(worker);
  std::thread two(worker);
  one.join();
  two.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_TRUE(m_store.get_blob(expected));
  auto found = scan(cache());
  EXPECT_EQ(found.entries.size(), 2u);
  EXPECT_TRUE(found.temp_files.empty());
}

TEST_F(StoreTest, ConcurrentPutsAndVerifyFromProcesses) {
  std::string data(2 << 20, 'p');
  fs::path source = write_source("same", data);
  std::vector<pid_t> children;
  for (int c = 0; c < 2; ++c) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        Store store(cache(), Durability::cache);
        for (int i = 0; i < 20; ++i) {
          store.put_file(source);
          store.put_action(sha256_hex("shared key"), Json{{"n", i}});
          if (!store.get_action(sha256_hex("shared key")) || store.verify().removed.size() != 0) {
            status = 2;
          }
        }
      } catch (...) {
        status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  EXPECT_TRUE(m_store.get_blob(sha256_hex(data)));
  EXPECT_TRUE(m_store.verify().removed.empty());
  EXPECT_TRUE(scan(cache()).temp_files.empty());
}

}  // namespace
}  // namespace osbuild::store::testing
