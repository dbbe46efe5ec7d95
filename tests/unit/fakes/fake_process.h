#pragma once
// A process::Runner that runs nothing: it records every command, answers with scripted results
// and can run an effect that makes the files the command would have made (ninja's
// FakeCommandRunner). Commands are matched by a piece of their command line.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "osbuild/process/process.h"

namespace osbuild::fakes {

class FakeRunner final : public process::Runner {
 public:
  using Effect = std::function<void(const process::Command&)>;

  // The first rule whose `match` occurs in a command's line (process::command_text of its argv)
  // answers it; a command no rule matches exits 0 with no output. `times` > 0: the rule answers
  // that many commands, then stands aside.
  void on(std::string match, process::Result result, Effect effect = {}, int times = 0);
  // Forgets the rules, the commands run and the interrupt.
  void reset();
  // Sets interrupted(), as a Ctrl-C during a build would.
  void interrupt() { m_interrupted = true; }

  // Records the command and answers it. Output of the result goes to a Sink::file as the real
  // process would have written it there; captured output is returned as it is, or handed line by
  // line to the command's on_line when it has one. A scripted `timed_out` stands for a command
  // that ran into its time limit.
  process::Result run(const process::Command& command) override;
  bool interrupted() const override { return m_interrupted; }

  std::vector<process::Command> commands() const;
  // The command lines run, in order.
  std::vector<std::string> lines() const;
  // The command lines that contain `match`.
  std::vector<std::string> lines_with(const std::string& match) const;

 private:
  struct Rule {
    std::string match;
    process::Result result;
    Effect effect;
    int left = 0;  // 0: unlimited
  };

  mutable std::mutex m_mutex;
  std::vector<Rule> m_rules;
  std::vector<process::Command> m_commands;
  std::atomic<bool> m_interrupted = false;
};

}  // namespace osbuild::fakes
