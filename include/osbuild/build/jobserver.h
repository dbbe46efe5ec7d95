#pragma once
// One GNU make jobserver for a whole build (docs/build.md "Parallelism"): a fifo holding N-1
// tokens, as `make -jN` makes for its sub-makes. Every running job holds one implicit token; a
// build's make, cargo or ninja takes a token from the fifo before starting a job beyond its first
// and writes it back when the job ends, and the scheduler takes one for every package it runs
// beyond the first (scheduler.h, JobTokens). So `-j N` is N jobs in all, whatever mix of packages
// runs.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/build/scheduler.h"
#include "osbuild/process/process.h"

namespace osbuild::build {

namespace fs = std::filesystem;

// How a build is told where the tokens are. `fifo`: make 4.4's `--jobserver-auth=fifo:PATH`, the
// fifo bound read-write into the sandbox (make 4.4, cargo, ninja 1.13). `pipe`:
// `--jobserver-auth=R,W`, two descriptors the build inherits (make before 4.4, cargo; ninja 1.13
// refuses it and keeps its own -j).
enum class JobserverForm { fifo, pipe };

// The form a make whose `make --version` said `version_text` reads: fifo from GNU Make 4.4 on,
// pipe for older ones and for text that names no GNU Make.
JobserverForm jobserver_form(std::string_view version_text);

// Asks the make builds run (the first on the sandbox's PATH) through `runner`; pipe when there is
// no make or it does not answer.
JobserverForm probe_jobserver_form(process::Runner& runner);

class Jobserver final : public JobTokens {
 public:
  // Makes the fifo at `fifo` (replacing what is there), holding jobs-1 tokens. A fifo path with
  // white space cannot go into MAKEFLAGS: the pipe form is used then.
  Jobserver(const fs::path& fifo, std::size_t jobs, JobserverForm form);
  ~Jobserver() override;
  Jobserver(const Jobserver&) = delete;
  Jobserver& operator=(const Jobserver&) = delete;

  JobserverForm form() const { return m_form; }
  // The value of MAKEFLAGS and CARGO_MAKEFLAGS in every build: `-jN --jobserver-auth=…`.
  std::string makeflags() const;
  // What the sandbox passes into the build: the fifo (fifo form) or nothing.
  std::vector<fs::path> bound_paths() const;
  // The descriptors the build inherits: the read and write ends (pipe form) or none.
  std::vector<int> inherited_fds() const;
  // Tokens in the fifo now.
  std::size_t available() const;

  bool try_acquire() override;
  void wait(std::chrono::milliseconds limit) override;
  void release() override;
  void refill() override;

 private:
  fs::path m_fifo;
  std::size_t m_jobs;
  JobserverForm m_form;
  int m_fd = -1;    // osbuild's own: read-write, non-blocking, close-on-exec
  int m_read = -1;  // the builds' ends in the pipe form: blocking, handed over at exec only
  int m_write = -1;
};

}  // namespace osbuild::build
