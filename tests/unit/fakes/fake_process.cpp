#include "fakes/fake_process.h"

#include <fstream>

namespace osbuild::fakes {

namespace {

void append(const std::filesystem::path& file, const std::string& text) {
  if (!text.empty()) {
    std::ofstream(file, std::ios::app) << text;
  }
}

void stream_lines(const std::string& text, const std::function<void(std::string_view)>& on_line) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    on_line(std::string_view(text).substr(start, nl - start));
    start = nl + 1;
  }
}

}  // namespace

void FakeRunner::on(std::string match, process::Result result, Effect effect, int times) {
  std::lock_guard lock(m_mutex);
  m_rules.push_back({std::move(match), std::move(result), std::move(effect), times});
}

void FakeRunner::reset() {
  std::lock_guard lock(m_mutex);
  m_rules.clear();
  m_commands.clear();
  m_interrupted = false;
}

process::Result FakeRunner::run(const process::Command& command) {
  std::string line = process::command_text(command.argv);
  process::Result result;
  Effect effect;
  {
    std::lock_guard lock(m_mutex);
    m_commands.push_back(command);
    for (auto& rule : m_rules) {
      if (rule.left < 0 || line.find(rule.match) == std::string::npos) continue;
      result = rule.result;
      effect = rule.effect;
      if (rule.left > 0 && --rule.left == 0) rule.left = -1;
      break;
    }
  }
  if (effect) {
    effect(command);
  }
  if (command.out == process::Sink::file) {
    append(command.out_file, result.out);
    if (command.err == process::Sink::same_as_stdout) append(command.out_file, result.err);
  }
  if (command.err == process::Sink::file) {
    append(command.err_file, result.err);
  }
  if (command.out != process::Sink::capture) result.out.clear();
  if (command.err == process::Sink::same_as_stdout && command.out == process::Sink::capture) {
    result.out += result.err;
  }
  if (command.err != process::Sink::capture) result.err.clear();
  if (command.out == process::Sink::capture && command.on_line) {
    stream_lines(result.out, command.on_line);  // as the real runner hands them over
    result.out.clear();
  }
  return result;
}

std::vector<process::Command> FakeRunner::commands() const {
  std::lock_guard lock(m_mutex);
  return m_commands;
}

std::vector<std::string> FakeRunner::lines() const {
  std::vector<std::string> out;
  for (const auto& c : commands()) out.push_back(process::command_text(c.argv));
  return out;
}

std::vector<std::string> FakeRunner::lines_with(const std::string& match) const {
  std::vector<std::string> out;
  for (const auto& line : lines()) {
    if (line.find(match) != std::string::npos) out.push_back(line);
  }
  return out;
}

}  // namespace osbuild::fakes
