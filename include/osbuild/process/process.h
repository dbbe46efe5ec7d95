#pragma once
// Running external programs: one small interface, Runner, with the real SystemRunner here and a
// FakeRunner for unit tests (tests/unit/fakes/fake_process.h), as ninja's CommandRunner. Every
// child runs in its own process group, so that a time limit or an interrupt ends the whole tree
// it started, grandchildren included.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osbuild::process {

namespace fs = std::filesystem;

// Where a child's stdout or stderr goes.
enum class Sink {
  inherit,         // the caller's own stream
  null,            // /dev/null
  file,            // appended to a file
  capture,         // kept in memory, returned in the Result
  same_as_stdout,  // stderr only: wherever stdout goes (one log, one captured text)
};

// Whose terminal a child reads from. `foreground`: when stdin is a terminal, the child's process
// group becomes its foreground group for the run (as a shell does for a job), so that an
// interactive program (a VM's serial console) can read the keyboard; osbuild takes the terminal
// back when the child ends.
enum class Terminal { keep, foreground };

struct Command {
  std::vector<std::string> argv;  // argv[0] is resolved on the caller's PATH
  // The whole environment of the child; nullopt: the caller's.
  std::optional<std::map<std::string, std::string>> env;
  fs::path cwd;    // empty: the caller's
  fs::path input;  // stdin read from this file; empty: see `in`
  Sink in = Sink::null;  // without `input`: null (/dev/null) or inherit (the caller's stdin)
  Terminal terminal = Terminal::keep;
  Sink out = Sink::inherit;
  fs::path out_file;  // for Sink::file
  Sink err = Sink::inherit;
  fs::path err_file;  // for Sink::file
  // Past the limit the group gets SIGTERM, then SIGKILL after the grace period. Zero: no limit.
  std::chrono::milliseconds time_limit{0};
  std::chrono::milliseconds grace{2000};
  std::size_t capture_limit = 1 << 20;  // bytes kept per captured stream; the rest is read away
  // With Sink::capture on stdout: each line is handed over as it arrives (without its newline;
  // a last piece without one when the stream ends) instead of being kept in Result::out. Called
  // on the thread that runs the command.
  std::function<void(std::string_view line)> on_line;
  // Descriptors of the caller that the child keeps, at the same numbers (a jobserver's pipe).
  // Every other descriptor osbuild opens is close-on-exec and stays behind.
  std::vector<int> keep_fds;
};

struct Result {
  int exit_code = 0;  // the exit status, or 128 + the signal that ended it
  int signal = 0;     // that signal, or 0
  bool timed_out = false;
  std::string out;  // captured stdout (and stderr, with Sink::same_as_stdout)
  std::string err;  // captured stderr
  bool ok() const { return exit_code == 0 && !timed_out; }
  bool signalled() const { return signal != 0; }
};

class Runner {
 public:
  virtual ~Runner() = default;
  // Runs the command to completion (or to its time limit). A program that cannot be started
  // exits 127 with the reason on its stderr, as a shell's would. Thread-safe.
  virtual Result run(const Command& command) = 0;
  // True once an interrupt (Ctrl-C, SIGTERM) arrived while an InterruptGuard was alive: callers
  // start nothing new and report the interruption.
  virtual bool interrupted() const = 0;
};

// Runs real processes: fork and execve, each child in its own process group, registered so that an
// interrupt reaches it, and killed with osbuild (PR_SET_PDEATHSIG), even by `kill -9`.
class SystemRunner final : public Runner {
 public:
  Result run(const Command& command) override;
  bool interrupted() const override;
};

// The one SystemRunner of the process, for callers that are not given a Runner.
Runner& system_runner();

// The absolute path of a program found on the caller's PATH, or empty. A name with a slash is
// returned as it is.
std::string find_program(std::string_view name);

// Sends SIGTERM to the process group of every running child. Async-signal-safe.
void kill_running_groups();

// While alive, SIGINT and SIGTERM kill every running child's process group and set interrupted().
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};
bool interrupted();

// argv as a shell would read it back: words with spaces or quotes in single quotes.
std::string command_text(const std::vector<std::string>& argv);

}  // namespace osbuild::process
