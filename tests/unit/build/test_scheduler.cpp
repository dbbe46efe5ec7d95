// The scheduler with a fake runner: order, parallelism bound, failure handling.
#include <gtest/gtest.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

#include "osbuild/build/scheduler.h"

namespace osbuild::build {
namespace {

auto never_stop = [] { return false; };

TEST(Scheduler, RunsDependenciesFirst) {
  // 0 ← 1 ← 2, and 3 alone.
  std::vector<ScheduleNode> nodes = {{{}, 1}, {{0}, 1}, {{1}, 1}, {{}, 1}};
  std::mutex m;
  std::vector<std::size_t> order;
  auto states = run_schedule(nodes, 1, OnFailure::stop, [&](std::size_t i) {
    std::lock_guard g(m);
    order.push_back(i);
    return true;
  }, never_stop);
  // One job: the longest path (0, 1, 2) goes before the lone node 3.
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3}));
  for (auto s : states) {
    EXPECT_EQ(s, NodeState::succeeded);
  }
}

// Where the calling thread's stack starts.
std::uintptr_t stack_address() {
  pthread_attr_t attr;
  void* address = nullptr;
  std::size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &address, &size);
    pthread_attr_destroy(&attr);
  }
  return reinterpret_cast<std::uintptr_t>(address);
}

TEST(Scheduler, JoinsEachNodesThreadWhenItEnds) {
  // 100 nodes in a chain. A thread joined when it ends gives its stack back, and the next
  // thread gets it again; were finished threads kept until the end, each node would run on a
  // stack of its own, 100 of them mapped at once, which every fork of a build command copies.
  std::vector<ScheduleNode> nodes(100);
  for (std::size_t i = 1; i < nodes.size(); ++i) nodes[i] = {{i - 1}, 1};
  std::set<std::uintptr_t> stacks;
  run_schedule(nodes, 1, OnFailure::stop, [&](std::size_t) {
    stacks.insert(stack_address());
    return true;
  }, never_stop);
  EXPECT_LE(stacks.size(), 4u) << "100 nodes ran on " << stacks.size() << " stacks";
}

TEST(Scheduler, PrefersTheCriticalPath) {
  // 0 is a lone heavy-ish leaf; 1 ← 2 ← 3 is a longer chain.
  std::vector<ScheduleNode> nodes = {{{}, 2}, {{}, 1}, {{1}, 1}, {{2}, 1}};
  auto priority = critical_path_priorities(nodes);
  EXPECT_EQ(priority[1], 3);
  EXPECT_EQ(priority[0], 2);
  std::vector<std::size_t> order;
  run_schedule(nodes, 1, OnFailure::stop, [&](std::size_t i) {
    order.push_back(i);
    return true;
  }, never_stop);
  EXPECT_EQ(order.front(), 1u);
}

TEST(Scheduler, NeverExceedsTheJobLimit) {
  std::vector<ScheduleNode> nodes(8);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  run_schedule(nodes, 3, OnFailure::stop, [&](std::size_t) {
    int now = ++running;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running;
    return true;
  }, never_stop);
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 2);
}

TEST(Scheduler, FirstFailureStopsNewWork) {
  std::vector<ScheduleNode> nodes = {{{}, 5}, {{0}, 1}, {{}, 1}};
  auto states = run_schedule(nodes, 1, OnFailure::stop, [](std::size_t i) { return i != 0; },
                             never_stop);
  EXPECT_EQ(states[0], NodeState::failed);
  EXPECT_EQ(states[1], NodeState::skipped);
  EXPECT_EQ(states[2], NodeState::skipped);
}

TEST(Scheduler, KeepGoingRunsIndependentWork) {
  std::vector<ScheduleNode> nodes = {{{}, 5}, {{0}, 1}, {{}, 1}};
  auto states = run_schedule(nodes, 1, OnFailure::keep_going,
                             [](std::size_t i) { return i != 0; }, never_stop);
  EXPECT_EQ(states[0], NodeState::failed);
  EXPECT_EQ(states[1], NodeState::skipped);
  EXPECT_EQ(states[2], NodeState::succeeded);
}

TEST(Scheduler, StopStartsNothingMore) {
  std::vector<ScheduleNode> nodes(4);
  std::atomic<int> ran{0};
  std::atomic<bool> stop{false};
  auto states = run_schedule(nodes, 1, OnFailure::stop, [&](std::size_t) {
    ++ran;
    stop = true;
    return true;
  }, [&] { return stop.load(); });
  EXPECT_EQ(ran.load(), 1);
  EXPECT_EQ(states[3], NodeState::skipped);
}

}  // namespace
}  // namespace osbuild::build
