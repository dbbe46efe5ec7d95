// Finding programs on PATH and showing command lines.
#include <unistd.h>

#include <cstdlib>

#include "osbuild/process/process.h"

namespace osbuild::process {

namespace {

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

}  // namespace

std::string find_program(std::string_view name) {
  if (name.find('/') != std::string_view::npos) {
    return std::string(name);
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr && *path != '\0' ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    std::string candidate = dirs.substr(start, end - start) + "/" + std::string(name);
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

std::string command_text(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    out += (out.empty() ? "" : " ") +
           (a.find_first_of(" '\"$&;|") == std::string::npos ? a : shell_quote(a));
  }
  return out;
}

}  // namespace osbuild::process
