#include "osbuild/build/scheduler.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace osbuild::build {

std::vector<double> critical_path_priorities(const std::vector<ScheduleNode>& nodes) {
  std::vector<double> priority(nodes.size(), 0);
  for (std::size_t i = nodes.size(); i-- > 0;) {
    priority[i] += nodes[i].weight;
    for (std::size_t d : nodes[i].deps) {
      priority[d] = std::max(priority[d], priority[i]);
    }
  }
  return priority;
}

namespace {

class Scheduler {
 public:
  Scheduler(const std::vector<ScheduleNode>& nodes, OnFailure on_failure, JobTokens* tokens)
      : m_nodes(nodes),
        m_on_failure(on_failure),
        m_tokens(tokens),
        m_state(nodes.size(), NodeState::pending),
        m_started(nodes.size(), false),
        m_priority(critical_path_priorities(nodes)) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].done) {
        m_state[i] = NodeState::succeeded;
        m_started[i] = true;
      }
    }
  }

  std::vector<NodeState> run(std::size_t jobs, const std::function<bool(std::size_t)>& run,
                             const std::function<bool()>& stop);

 private:
  // The ready node with the highest priority, or SIZE_MAX. Skips nodes whose deps failed.
  std::size_t next_ready();
  // Whether one more node may start now: the first always; another with a token in hand.
  bool take_slot();
  // After a node ended: the tokens that no running node needs go back, all of them when nothing
  // runs (with those a killed build took).
  void give_back_tokens();

  const std::vector<ScheduleNode>& m_nodes;
  OnFailure m_on_failure;
  JobTokens* m_tokens;
  std::size_t m_held = 0;  // tokens taken from m_tokens: one per running node beyond the first
  std::vector<NodeState> m_state;
  std::vector<bool> m_started;
  std::vector<double> m_priority;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::size_t m_running = 0;
  bool m_failed = false;
  std::vector<std::size_t> m_ended;  // nodes whose thread has finished and waits to be joined
};

std::size_t Scheduler::next_ready() {
  std::size_t best = SIZE_MAX;
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    if (m_started[i]) {
      continue;
    }
    bool ready = true;
    for (std::size_t d : m_nodes[i].deps) {
      if (m_state[d] == NodeState::failed || m_state[d] == NodeState::skipped) {
        m_state[i] = NodeState::skipped;
        m_started[i] = true;
        ready = false;
        break;
      }
      ready = ready && m_state[d] == NodeState::succeeded;
    }
    if (ready && (best == SIZE_MAX || m_priority[i] > m_priority[best])) {
      best = i;
    }
  }
  return best;
}

bool Scheduler::take_slot() {
  if (m_tokens == nullptr || m_running == 0) return true;
  if (m_held < m_running && m_tokens->try_acquire()) ++m_held;
  return m_held >= m_running;
}

void Scheduler::give_back_tokens() {
  if (m_tokens == nullptr) return;
  for (; m_held + 1 > std::max<std::size_t>(m_running, 1); --m_held) m_tokens->release();
  if (m_running == 0) m_tokens->refill();
}

std::vector<NodeState> Scheduler::run(std::size_t jobs, const std::function<bool(std::size_t)>& run,
                                      const std::function<bool()>& stop) {
  // A node's thread is joined as soon as it ends: 500 finished but unjoined threads keep 500
  // stacks mapped, and every fork of a build command copies the page tables of all of them.
  std::map<std::size_t, std::thread> threads;
  std::unique_lock lock(m_mutex);
  for (;;) {
    for (std::size_t ended : m_ended) {
      auto it = threads.find(ended);
      it->second.join();  // it holds no lock any more: it only returns
      threads.erase(it);
    }
    m_ended.clear();
    bool stopping = stop() || (m_failed && m_on_failure == OnFailure::stop);
    std::size_t next = stopping ? SIZE_MAX : next_ready();
    if (next != SIZE_MAX && m_running < std::max<std::size_t>(jobs, 1)) {
      if (!take_slot()) {
        // The builds hold every token: wait for one, with the lock free so that nodes can end
        // (an ending node gives its token back, which wakes the wait).
        lock.unlock();
        m_tokens->wait(std::chrono::milliseconds(100));
        lock.lock();
        continue;
      }
      m_started[next] = true;
      ++m_running;
      threads.emplace(next, std::thread([this, next, &run] {
        bool ok = run(next);
        std::lock_guard guard(m_mutex);
        m_state[next] = ok ? NodeState::succeeded : NodeState::failed;
        m_failed = m_failed || !ok;
        --m_running;
        m_ended.push_back(next);
        give_back_tokens();
        m_changed.notify_all();
      }));
      continue;
    }
    if (m_running == 0) {
      break;
    }
    // Bounded waits: an interrupt is noticed even when no job changes state.
    m_changed.wait_for(lock, std::chrono::milliseconds(100));
  }
  lock.unlock();
  for (auto& [node, thread] : threads) {
    thread.join();
  }
  for (auto& s : m_state) {
    s = s == NodeState::pending ? NodeState::skipped : s;
  }
  return m_state;
}

}  // namespace

std::vector<NodeState> run_schedule(const std::vector<ScheduleNode>& nodes, std::size_t jobs,
                                    OnFailure on_failure,
                                    const std::function<bool(std::size_t)>& run,
                                    const std::function<bool()>& stop, JobTokens* tokens) {
  return Scheduler(nodes, on_failure, tokens).run(jobs, run, stop);
}

}  // namespace osbuild::build
