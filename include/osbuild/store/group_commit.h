#pragma once
// Group commit for a run that writes many entries (a build): the fsyncs of a durable store, taken
// off the thread that writes and shared by every entry that is waiting (docs/cache.md,
// "Durability").
//
// A blob is linked under its digest at once, without an fsync, so the run (and any other process)
// can read it straight away; an action result is queued. A background thread then fsyncs every
// blob queued so far and their folders, and only after that writes the queued results, each
// fsynced before its rename and its folder after. A result on disk therefore only ever names
// blobs that are durable, as with per-entry fsyncs; what a crash can lose is the results still
// queued (their actions run again), and a blob linked but not yet synced, which the store's
// verification on read turns into a miss. Results are not readable through the store until
// written: call sync() before anything reads one back (a remote cache upload).
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "osbuild/store/store.h"
#include "osbuild/util/json.h"

namespace osbuild::store {

class GroupCommit {
 public:
  // `store` is the durable store the entries belong to; it must outlive this object.
  explicit GroupCommit(Store& store);
  // Waits for what is queued (an error is dropped here: call sync() to see it).
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // As Store::adopt_file and Store::put_bytes, without the fsyncs: those come with the group.
  std::string adopt_file(const fs::path& file);
  std::string put_bytes(std::string_view data);
  // Queues the result; it is written once every blob put before it is durable.
  void put_action(const std::string& key, const Json& result);
  // Waits until everything put so far is durable and written; throws the first error met.
  void sync();

 private:
  struct Action {
    std::string key;
    Json result;
  };
  void queue_blob(const std::string& digest);
  void run();
  void commit(const std::vector<fs::path>& blobs, const std::vector<Action>& actions);

  Store& m_store;
  Store m_unsynced;  // the same root, Durability::cache: links without an fsync
  mutable std::mutex m_mutex;
  std::condition_variable m_work;
  std::condition_variable m_done;
  std::vector<fs::path> m_blobs;
  std::vector<Action> m_actions;
  std::uint64_t m_queued = 0;     // puts handed over so far
  std::uint64_t m_committed = 0;  // of those, how many are durable
  std::exception_ptr m_error;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace osbuild::store
