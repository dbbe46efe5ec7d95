#pragma once
// Runs a DAG of jobs on up to N threads, longest remaining path first. The first failure stops
// new work and lets running jobs finish, unless failures are tolerated (--keep-going).
#include <cstddef>
#include <functional>
#include <vector>

namespace osbuild::build {

struct ScheduleNode {
  std::vector<std::size_t> deps;  // indices of nodes that must succeed first; deps come first
  double weight = 1;              // expected cost, for the critical-path priority
  bool done = false;              // already succeeded (a cache hit found before scheduling)
};

enum class OnFailure { stop, keep_going };
enum class NodeState { pending, succeeded, failed, skipped };

// `run(i)` executes node i and returns whether it succeeded; it is called from worker threads.
// `stop()` is polled before starting each node (an interrupt). Returns the state of every node:
// a node whose dependency failed, or that was not started after a stop, is skipped.
std::vector<NodeState> run_schedule(const std::vector<ScheduleNode>& nodes, std::size_t jobs,
                                    OnFailure on_failure,
                                    const std::function<bool(std::size_t)>& run,
                                    const std::function<bool()>& stop);

// Each node's priority: its weight plus the largest priority among its dependents.
std::vector<double> critical_path_priorities(const std::vector<ScheduleNode>& nodes);

}  // namespace osbuild::build
