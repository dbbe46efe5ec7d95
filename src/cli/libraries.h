#pragma once
// The libraries osbuild is linked with and their versions: the one list `osbuild --version` and
// `osbuild doctor` print.
#include <string>
#include <vector>

namespace osbuild::cli {

struct Library {
  std::string name;
  std::string built_with;  // the headers osbuild was compiled against
  std::string running;     // what the loaded library reports; empty for header-only libraries
  std::string install;     // the Debian package that provides it
};

std::vector<Library> libraries();

// "libcurl 7.88.1, OpenSSL 3.0.11, …": one line for `--version`, run-time versions where known.
std::string library_summary();

}  // namespace osbuild::cli
