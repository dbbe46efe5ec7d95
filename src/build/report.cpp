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

// Programs builds commonly ask for and the Debian package that provides each.
constexpr std::pair<std::string_view, std::string_view> k_providers[] = {
    {"make", "make"},
    {"cmake", "cmake"},
    {"ninja", "ninja-build"},
    {"meson", "meson"},
    {"autoconf", "autoconf"},
    {"autoreconf", "autoconf"},
    {"automake", "automake"},
    {"aclocal", "automake"},
    {"libtoolize", "libtool"},
    {"libtool", "libtool-bin"},
    {"pkg-config", "pkgconf"},
    {"pkgconf", "pkgconf"},
    {"m4", "m4"},
    {"bison", "bison"},
    {"yacc", "bison"},
    {"flex", "flex"},
    {"lex", "flex"},
    {"perl", "perl"},
    {"python3", "python3"},
    {"python", "python-is-python3"},
    {"gcc", "gcc"},
    {"cc", "gcc"},
    {"g++", "g++"},
    {"c++", "g++"},
    {"clang", "clang"},
    {"ld.lld", "lld"},
    {"gfortran", "gfortran"},
    {"gnat", "gnat"},
    {"gccgo", "gccgo"},
    {"gdc", "gdc"},
    {"patch", "patch"},
    {"git", "git"},
    {"xz", "xz-utils"},
    {"bzip2", "bzip2"},
    {"zstd", "zstd"},
    {"lz4", "lz4"},
    {"unzip", "unzip"},
    {"gperf", "gperf"},
    {"gettext", "gettext"},
    {"msgfmt", "gettext"},
    {"help2man", "help2man"},
    {"makeinfo", "texinfo"},
    {"go", "golang-go"},
    {"cargo", "cargo"},
    {"rustc", "rustc"},
    {"nasm", "nasm"},
    {"yasm", "yasm"},
    {"bc", "bc"},
    {"rsync", "rsync"},
    {"file", "file"},
    {"xxd", "xxd"},
    {"aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"},
    {"aarch64-linux-gnu-g++", "g++-aarch64-linux-gnu"},
    {"x86_64-linux-gnu-gcc", "gcc-x86-64-linux-gnu"},
};

// "Hunk #2 FAILED at 14." after "patching file src/a.c": which hunks of which files failed.
std::vector<std::string> failed_hunks(const std::string& log_text) {
  static const std::regex patching(R"(^(patching|checking) file '?([^']+?)'?$)");
  static const std::regex hunk(R"(^Hunk #(\d+) FAILED at (\d+))");
  static const std::regex missing(R"(^can't find file to patch)");
  std::vector<std::string> out;
  std::string file;
  for (const auto& line : split(log_text, '\n')) {
    std::smatch m;
    if (std::regex_search(line, m, patching)) {
      file = m[2].str();
    } else if (std::regex_search(line, m, hunk)) {
      out.push_back(fmt::format("hunk #{} of {} (at line {})", m[1].str(), file, m[2].str()));
    } else if (std::regex_search(line, missing)) {
      out.push_back("a file it patches does not exist in the sources");
    }
  }
  return out;
}

}  // namespace

std::string debian_package_for(std::string_view program) {
  std::string base = std::filesystem::path(program).filename().string();
  for (const auto& [name, package] : k_providers) {
    if (name == base) {
      return std::string(package);
    }
  }
  return {};
}

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

std::string failure_report(const std::string& package, const std::string& what,
                           const std::string& command, int status, const fs::path& log) {
  auto log_text = read_file(log);
  std::string text = log_text.ok() ? log_text.value() : std::string();
  std::string out = fmt::format("build of {}{} failed: `{}` exited with status {}\n", package,
                                what.empty() ? "" : " (" + what + ")", command, status);
  for (const auto& line : last_lines(text, k_tail_lines)) {
    out += "  | " + line + "\n";
  }
  out += fmt::format("  log: {}\n", log.string());
  if (what.rfind("patch ", 0) == 0) {
    // The log holds only this package's commands, and the patch is the last one that ran.
    std::string patch_log =
        text.substr(text.rfind("$ patch ") == std::string::npos ? 0 : text.rfind("$ patch "));
    for (const auto& hunk : failed_hunks(patch_log)) {
      out += fmt::format("  {} does not apply: {}\n", what, hunk);
    }
    out += "  fix: refresh the patch against this version of the sources\n";
    return out;
  }
  if (std::string missing = missing_program(text); !missing.empty()) {
    std::string provider = debian_package_for(missing);
    out += fmt::format("  missing: {} (asked for by package {}{}): {}\n", missing, package,
                       what.empty() ? "" : ", " + what,
                       provider.empty()
                           ? "install it on the host or add the package that provides it to "
                             "`depends`"
                           : fmt::format("install it on the host (apt-get install {}) or add the "
                                         "package that provides it to `depends`",
                                         provider));
  }
  return out;
}

}  // namespace osbuild::build
