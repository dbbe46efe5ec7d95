// Puts and gets: the content-addressed blobs and the action results.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "osbuild/util/hash.h"
#include "store_test_util.h"

namespace osbuild::store::testing {
namespace {

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_ino;
}

std::string big_content() {
  std::string data;
  // More than one copy buffer, and not a multiple of it.
  for (int i = 0; data.size() < (5u << 20) + 17; ++i) {
    data += std::to_string(i * 2654435761u) + "\n";
  }
  return data;
}

TEST_F(StoreTest, PutBytesThenGetBlob) {
  std::string digest = m_store.put_bytes("hello\n");
  EXPECT_EQ(digest, sha256_hex("hello\n"));
  EXPECT_EQ(m_store.blob_path(digest), cache() / "cas" / digest.substr(0, 2) / digest);
  EXPECT_TRUE(m_store.has_blob(digest));
  auto path = m_store.get_blob(digest);
  ASSERT_TRUE(path);
  EXPECT_EQ(slurp(*path), "hello\n");
  EXPECT_TRUE(m_warnings.empty());
}

TEST_F(StoreTest, PutFileHashesWhileCopying) {
  std::string data = big_content();
  std::string digest = m_store.put_file(write_source("big", data));
  EXPECT_EQ(digest, sha256_hex(data));
  auto path = m_store.get_blob(digest);
  ASSERT_TRUE(path);
  EXPECT_EQ(slurp(*path), data);
  EXPECT_TRUE(scan(cache()).temp_files.empty());
}

TEST_F(StoreTest, AdoptFileMovesWithoutCopying) {
  fs::path file = write_source("download.partial", "downloaded bytes");
  struct stat before {};
  ::stat(file.c_str(), &before);
  std::string digest = m_store.adopt_file(file, sha256_hex("downloaded bytes"));
  EXPECT_EQ(digest, sha256_hex("downloaded bytes"));
  EXPECT_FALSE(fs::exists(file));
  EXPECT_EQ(inode_of(m_store.blob_path(digest)), before.st_ino);
  EXPECT_TRUE(m_store.get_blob(digest));
  // Adopting content already stored keeps the stored blob and drops the file.
  fs::path again = write_source("again.partial", "downloaded bytes");
  EXPECT_EQ(m_store.adopt_file(again), digest);
  EXPECT_FALSE(fs::exists(again));
  EXPECT_EQ(inode_of(m_store.blob_path(digest)), before.st_ino);
}

TEST_F(StoreTest, AdoptFileMismatchLeavesTheFile) {
  fs::path file = write_source("wrong.partial", "not what was pinned");
  EXPECT_THROW(m_store.adopt_file(file, sha256_hex("pinned")), Error);
  EXPECT_TRUE(fs::exists(file));
  EXPECT_FALSE(m_store.has_blob(sha256_hex("not what was pinned")));
}

TEST_F(StoreTest, AdoptFileFromAnotherFileSystemCopies) {
  struct stat shm {};
  struct stat here {};
  if (::stat("/dev/shm", &shm) != 0 || ::stat(m_dir.path().c_str(), &here) != 0 ||
      shm.st_dev == here.st_dev || ::access("/dev/shm", W_OK) != 0) {
    GTEST_SKIP() << "needs a writable /dev/shm on another file system";
  }
  fs::path file = "/dev/shm/osbuild-store-test." + std::to_string(::getpid());
  write_file_atomic(file, "from tmpfs", Durability::cache);
  std::string digest = m_store.adopt_file(file);
  fs::remove(file);
  EXPECT_EQ(digest, sha256_hex("from tmpfs"));
  EXPECT_FALSE(fs::exists(file));
  EXPECT_EQ(slurp(*m_store.get_blob(digest)), "from tmpfs");
}

TEST_F(StoreTest, PutOfEmptyFile) {
  std::string digest = m_store.put_file(write_source("empty", ""));
  EXPECT_EQ(digest, sha256_hex(""));
  EXPECT_TRUE(m_store.get_blob(digest));
}

TEST_F(StoreTest, PutOfExistingDigestDoesNotRewrite) {
  std::string digest = m_store.put_bytes("same");
  fs::path path = m_store.blob_path(digest);
  ino_t first = inode_of(path);
  set_last_use(path, 1000);
  EXPECT_EQ(m_store.put_file(write_source("a", "same")), digest);
  EXPECT_EQ(m_store.put_bytes("same"), digest);
  EXPECT_EQ(m_store.put_file(write_source("b", "same"), digest), digest);
  EXPECT_EQ(inode_of(path), first);
  EXPECT_GT(last_use_of(path), 1000) << "a put counts as a use";
  EXPECT_EQ(m_store.stats().cas_entries, 1u);
  EXPECT_TRUE(scan(cache()).temp_files.empty());
}

TEST_F(StoreTest, ExpectedDigestMismatchStoresNothing) {
  std::string wrong = sha256_hex("something else");
  std::string actual = sha256_hex("payload");
  try {
    m_store.put_file(write_source("src", "payload"), wrong);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(actual), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(wrong), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), ExitCode::verification);
  }
  EXPECT_FALSE(m_store.has_blob(actual));
  EXPECT_FALSE(m_store.has_blob(wrong));
  auto found = scan(cache());
  EXPECT_TRUE(found.entries.empty());
  EXPECT_TRUE(found.temp_files.empty());
}

TEST_F(StoreTest, ExpectedDigestOfPresentBlobStillChecksTheSource) {
  std::string digest = m_store.put_bytes("stored");
  EXPECT_THROW(m_store.put_file(write_source("other", "not stored"), digest), Error);
  EXPECT_EQ(m_store.put_file(write_source("same", "stored"), digest), digest);
}

TEST_F(StoreTest, RejectsMalformedNames) {
  EXPECT_THROW(m_store.get_blob("abc"), Error);
  EXPECT_THROW(m_store.put_file(write_source("x", "x"), std::string(64, 'A')), Error);
  EXPECT_THROW(m_store.put_action("../../etc/passwd", Json::object()), Error);
  EXPECT_THROW(m_store.get_action(std::string(63, 'a')), Error);
}

TEST_F(StoreTest, UnreadableSourceNamesTheFile) {
  try {
    m_store.put_file(scratch("missing"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read " + scratch("missing").string()),
              std::string::npos)
        << e.what();
  }
}

TEST_F(StoreTest, MissingEntriesAreMissesAndCreateNothing) {
  EXPECT_FALSE(m_store.get_blob(sha256_hex("absent")));
  EXPECT_FALSE(m_store.get_action(sha256_hex("absent")));
  EXPECT_FALSE(m_store.has_blob(sha256_hex("absent")));
  EXPECT_TRUE(m_warnings.empty());
  EXPECT_FALSE(fs::exists(cache()));
}

TEST_F(StoreTest, CorruptBlobIsRemovedAndReported) {
  std::string digest = m_store.put_bytes("precious bytes");
  fs::path path = m_store.blob_path(digest);
  flip_byte(path, 3);
  std::string actual = sha256_hex(slurp(path));
  EXPECT_FALSE(m_store.get_blob(digest));
  ASSERT_EQ(m_warnings.size(), 1u);
  EXPECT_EQ(m_warnings[0], "cas/" + digest + ": content hashes to " + actual + ", removed");
  EXPECT_FALSE(fs::exists(path));
  // The next put restores it.
  EXPECT_EQ(m_store.put_bytes("precious bytes"), digest);
  EXPECT_TRUE(m_store.get_blob(digest));
}

TEST_F(StoreTest, TruncatedBlobIsRemovedAndAPutReplacesIt) {
  std::string digest = m_store.put_bytes("a longer piece of content");
  fs::path path = m_store.blob_path(digest);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(path, 5);
  // A put sees the wrong size and replaces the entry without a read.
  EXPECT_EQ(m_store.put_bytes("a longer piece of content"), digest);
  EXPECT_EQ(slurp(path), "a longer piece of content");
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(path, 5);
  EXPECT_FALSE(m_store.get_blob(digest));
  ASSERT_EQ(m_warnings.size(), 1u);
  EXPECT_EQ(m_warnings[0],
            "cas/" + digest + ": content hashes to " + sha256_hex("a lon") + ", removed");
}

TEST_F(StoreTest, ActionRoundTripAndFormat) {
  std::string key = sha256_hex("action description");
  Json result = {
      {"outputs",
       {{{"path", "usr/bin/hello"}, {"digest", sha256_hex("x")}, {"size", 1}, {"mode", 0755}}}},
      {"exit_code", 0}};
  m_store.put_action(key, result);
  auto got = m_store.get_action(key);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, result);
  fs::path path = cache() / "ac" / key.substr(0, 2) / key;
  EXPECT_EQ(slurp(path), "{\"body\":" + canonical_json(result) + ",\"sha256\":\"" +
                             sha256_hex(canonical_json(result)) + "\"}");
  // A newer result for the same key replaces the older one.
  m_store.put_action(key, Json{{"outputs", Json::array()}});
  EXPECT_EQ(m_store.get_action(key)->at("outputs"), Json::array());
}

TEST_F(StoreTest, CorruptActionIsRemovedAndReported) {
  std::string key = sha256_hex("k");
  m_store.put_action(key, Json{{"outputs", Json::array({"abc"})}});
  fs::path path = cache() / "ac" / key.substr(0, 2) / key;
  flip_byte(path, 22);  // inside "abc"
  EXPECT_FALSE(m_store.get_action(key));
  ASSERT_EQ(m_warnings.size(), 1u);
  EXPECT_EQ(m_warnings[0].rfind("ac/" + key + ": content hashes to ", 0), 0u) << m_warnings[0];
  EXPECT_NE(m_warnings[0].find(", removed"), std::string::npos);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(StoreTest, TruncatedActionIsRemovedAndReported) {
  std::string key = sha256_hex("k2");
  m_store.put_action(key, Json{{"outputs", Json::array()}});
  fs::path path = cache() / "ac" / key.substr(0, 2) / key;
  fs::resize_file(path, 10);
  EXPECT_FALSE(m_store.get_action(key));
  ASSERT_EQ(m_warnings.size(), 1u);
  EXPECT_EQ(m_warnings[0].rfind("ac/" + key + ": not an action result", 0), 0u) << m_warnings[0];
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(StoreTest, ReadsMarkEntriesAsUsedAndKeepTheirMtime) {
  std::string digest = m_store.put_bytes("used");
  std::string key = sha256_hex("key");
  m_store.put_action(key, Json::object());
  fs::path action = cache() / "ac" / key.substr(0, 2) / key;
  set_times(m_store.blob_path(digest), 1000, 500);
  set_times(action, 1000, 500);
  ASSERT_TRUE(m_store.get_blob(digest));
  ASSERT_TRUE(m_store.get_action(key));
  EXPECT_GT(last_use_of(m_store.blob_path(digest)), 1000);
  EXPECT_GT(last_use_of(action), 1000);
  // Stat caches elsewhere key on (size, mtime, inode): a read must not look like a change.
  EXPECT_EQ(mtime_of(m_store.blob_path(digest)), 500);
  EXPECT_EQ(mtime_of(action), 500);
}

TEST_F(StoreTest, DurableStoreWritesTheSame) {
  Store durable(cache(), Durability::durable);
  std::string digest = durable.put_file(write_source("d", "durable"));
  durable.put_action(sha256_hex("a"), Json{{"x", 1}});
  EXPECT_TRUE(m_store.get_blob(digest));
  EXPECT_EQ(m_store.get_action(sha256_hex("a"))->at("x"), 1);
}

}  // namespace
}  // namespace osbuild::store::testing
