// What a failed build tells the user: the command, the end of its log, where the log is, and the
// program it could not find.
#include <fmt/format.h>

#include <regex>

#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"
#include "package_build.h"

namespace osbuild::build {

namespace {

constexpr std::size_t k_tail_lines = 30;

std::vector<std::string> last_lines(const std::string& text, std::size_t count) {
  auto lines = split(text, '\n');
  while (!lines.empty() && lines.back().empty()) {
    lines.pop_back();
  }
  if (lines.size() > count) {
    lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  }
  return lines;
}

}  // namespace

std::string missing_program(const std::string& log_text) {
  // dash: "build.sh: 3: foo: not found"; bash: "line 3: foo: command not found";
  // exec: "foo: No such file or directory".
  static const std::regex not_found(R"(([^\s:]+): (command )?not found)");
  static const std::regex no_such(R"(([^\s:]+): No such file or directory)");
  std::string found;
  for (const auto& line : last_lines(log_text, k_tail_lines)) {
    std::smatch m;
    if (std::regex_search(line, m, not_found) || std::regex_search(line, m, no_such)) {
      found = m[1].str();
    }
  }
  return found;
}

std::string failure_report(const std::string& package, const std::string& command, int status,
                           const fs::path& log) {
  std::string text = read_file(log).ok() ? read_file(log).value() : std::string();
  std::string out = fmt::format("build of {} failed: `{}` exited with status {}\n", package,
                                command, status);
  for (const auto& line : last_lines(text, k_tail_lines)) {
    out += "  | " + line + "\n";
  }
  out += fmt::format("  log: {}\n", log.string());
  if (std::string missing = missing_program(text); !missing.empty()) {
    out += fmt::format("  missing: {} (asked for by package {}): install it on the host or add "
                       "the package that provides it to `depends`\n",
                       missing, package);
  }
  return out;
}

}  // namespace osbuild::build
