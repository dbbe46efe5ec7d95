// Ctrl-C and SIGTERM: every running child's process group gets SIGTERM, and interrupted() tells the
// stages to start nothing new (docs/build.md, "Interrupts").
#include <signal.h>

#include <array>
#include <atomic>
#include <csignal>

#include "groups.h"
#include "osbuild/process/process.h"

namespace osbuild::process {

namespace {

// A fixed table of atomics: the signal handler may neither lock nor allocate.
constexpr std::size_t k_max_children = 256;
std::array<std::atomic<pid_t>, k_max_children> g_groups{};
volatile std::sig_atomic_t g_interrupted = 0;

void on_interrupt(int) {
  g_interrupted = 1;
  kill_running_groups();
}

struct sigaction g_old_int {};
struct sigaction g_old_term {};

}  // namespace

std::size_t register_group(pid_t pgid) {
  for (std::size_t i = 0; i < k_max_children; ++i) {
    pid_t expected = 0;
    if (g_groups[i].compare_exchange_strong(expected, pgid)) {
      return i;
    }
  }
  return k_max_children;
}

void unregister_group(std::size_t slot) {
  if (slot < k_max_children) {
    g_groups[slot].store(0);
  }
}

bool interrupt_pending() {
  return g_interrupted != 0;
}

void kill_running_groups() {
  for (auto& group : g_groups) {
    pid_t pgid = group.load();
    if (pgid > 0) {
      ::kill(-pgid, SIGTERM);
    }
  }
}

InterruptGuard::InterruptGuard() {
  g_interrupted = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &g_old_int);
  ::sigaction(SIGTERM, &action, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
}

bool interrupted() {
  return g_interrupted != 0;
}

}  // namespace osbuild::process
