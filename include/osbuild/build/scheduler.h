#pragma once
// Runs a DAG of jobs on up to N threads, longest remaining path first. The first failure stops
// new work and lets running jobs finish, unless failures are tolerated (--keep-going).
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

namespace osbuild::build {

struct ScheduleNode {
  std::vector<std::size_t> deps;  // indices of nodes that must succeed first; deps come first
  double weight = 1;              // expected cost, for the critical-path priority
  bool done = false;              // already succeeded (a cache hit found before scheduling)
};

// A pool of job tokens shared with the builds (jobserver.h). The scheduler holds one token for
// every node it runs beyond the first, so that nodes and the jobs they start share one limit: a
// node that starts no jobs of its own counts as one job.
class JobTokens {
 public:
  virtual ~JobTokens() = default;
  virtual bool try_acquire() = 0;                          // a free token, without waiting
  virtual void wait(std::chrono::milliseconds limit) = 0;  // until one may be free, or `limit`
  virtual void release() = 0;                              // gives a token back
  // Nothing runs: the pool back to its full count (tokens that a killed build held are lost).
  virtual void refill() = 0;
};

enum class OnFailure { stop, keep_going };
enum class NodeState { pending, succeeded, failed, skipped };

// `run(i)` executes node i and returns whether it succeeded; it is called from worker threads.
// `stop()` is polled before starting each node (an interrupt). Returns the state of every node:
// a node whose dependency failed, or that was not started after a stop, is skipped.
// With `tokens`, a node beyond the first running one starts only with a token from the pool.
std::vector<NodeState> run_schedule(const std::vector<ScheduleNode>& nodes, std::size_t jobs,
                                    OnFailure on_failure,
                                    const std::function<bool(std::size_t)>& run,
                                    const std::function<bool()>& stop, JobTokens* tokens = nullptr);

// Each node's priority: its weight plus the largest priority among its dependents.
std::vector<double> critical_path_priorities(const std::vector<ScheduleNode>& nodes);

}  // namespace osbuild::build
