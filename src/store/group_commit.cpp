#include "osbuild/store/group_commit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include "osbuild/store/layout.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

namespace osbuild::store {

namespace {

[[noreturn]] void cannot_sync(const fs::path& path) {
  throw Error("cannot sync " + path.string() + ": " + std::strerror(errno),
              errno == ENOSPC ? "free some space on the cache's file system" : "");
}

// Starts the write-back of every file first, then waits for each: the blocks of all of them are
// allocated before the first fsync, so that fsync's journal commit carries the whole group and
// the others find their metadata committed already (one commit per group, not one per file).
void sync_files(const std::vector<int>& fds, const std::vector<fs::path>& paths) {
  for (int fd : fds) ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (::fsync(fds[i]) != 0) cannot_sync(paths[i]);
  }
}

void sync_folders(const std::set<fs::path>& dirs) {
  for (const auto& dir : dirs) fsync_directory(dir);
}

}  // namespace

GroupCommit::GroupCommit(Store& store)
    : m_store(store), m_unsynced(store.root(), Durability::cache), m_thread([this] { run(); }) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_work.notify_all();
  m_thread.join();  // the thread drains the queue before it stops
}

void GroupCommit::queue_blob(const std::string& digest) {
  {
    std::lock_guard lock(m_mutex);
    m_blobs.push_back(m_store.blob_path(digest));
    ++m_queued;
  }
  m_work.notify_one();
}

std::string GroupCommit::adopt_file(const fs::path& file) {
  std::string digest = m_unsynced.adopt_file(file);
  queue_blob(digest);  // also when it was present: a crashed run may have left it unsynced
  return digest;
}

std::string GroupCommit::put_bytes(std::string_view data) {
  std::string digest = m_unsynced.put_bytes(data);
  queue_blob(digest);
  return digest;
}

void GroupCommit::put_action(const std::string& key, const Json& result) {
  require_entry_name(key, "action key");
  {
    std::lock_guard lock(m_mutex);
    m_actions.push_back({key, result});
    ++m_queued;
  }
  m_work.notify_one();
}

void GroupCommit::sync() {
  std::unique_lock lock(m_mutex);
  std::uint64_t wanted = m_queued;
  m_done.wait(lock, [&] { return m_committed >= wanted || m_error; });
  if (m_error) std::rethrow_exception(m_error);
}

void GroupCommit::run() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_work.wait(lock, [&] { return m_stop || !m_blobs.empty() || !m_actions.empty(); });
    if (m_blobs.empty() && m_actions.empty()) return;  // stopping, nothing left
    // Everything queued by now forms the group; puts made meanwhile wait for the next one.
    auto blobs = std::move(m_blobs);
    auto actions = std::move(m_actions);
    m_blobs.clear();
    m_actions.clear();
    std::uint64_t upto = m_queued;
    lock.unlock();
    std::exception_ptr error;
    try {
      if (!m_error) commit(blobs, actions);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && !m_error) m_error = error;
    m_committed = upto;
    m_done.notify_all();
  }
}

// The blobs and their folders first, then the results that name them: no result reaches the disk
// before the blobs it names.
void GroupCommit::commit(const std::vector<fs::path>& blobs, const std::vector<Action>& actions) {
  std::vector<std::unique_ptr<Fd>> open;  // closed when the group is done
  std::vector<int> fds;
  std::set<fs::path> dirs;
  for (const auto& path : blobs) {
    open.push_back(std::make_unique<Fd>(::open(path.c_str(), O_RDONLY | O_CLOEXEC)));
    if (open.back()->fd < 0) cannot_sync(path);
    fds.push_back(open.back()->fd);
    dirs.insert(path.parent_path());
  }
  sync_files(fds, blobs);
  sync_folders(dirs);
  std::vector<std::unique_ptr<AtomicFile>> files;
  std::vector<fs::path> temps;
  fds.clear();
  dirs.clear();
  for (const auto& action : actions) {
    fs::path path = entry_path(m_store.root(), Area::ac, action.key);
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      throw Error("cannot create " + path.parent_path().string() + ": " + ec.message(),
                  "set cache.dir (--cache-dir, OSBUILD_CACHE_DIR) to a writable folder");
    }
    files.push_back(std::make_unique<AtomicFile>(path, Durability::cache));
    files.back()->write(encode_action(action.result));
    fds.push_back(files.back()->fd());
    temps.push_back(files.back()->temp_path());
    dirs.insert(path.parent_path());
  }
  sync_files(fds, temps);
  for (auto& file : files) file->commit();  // Durability::cache: the rename alone, synced above
  sync_folders(dirs);
}

}  // namespace osbuild::store
