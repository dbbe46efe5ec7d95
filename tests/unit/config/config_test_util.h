#pragma once
// Helpers for the config loader tests: catching an Error to compare its text, and a project
// written file by file into its own temporary folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

namespace osbuild::config::testing {

struct Caught {
  std::string what;
  std::string hint;
};

template <typename Fn>
Caught catch_error(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return {e.what(), e.hint()};
  }
  ADD_FAILURE() << "expected an osbuild::Error";
  return {};
}

class ProjectDir {
public:
  // A project that loads: osbuild.toml with name and release-version only.
  ProjectDir() {
    write("osbuild.toml", "schema-version = 1\nname = \"test-os\"\nrelease-version = \"1.0.0\"\n");
  }
  void write(const std::filesystem::path& relative, std::string_view text) const {
    auto path = m_dir.path() / relative;
    std::filesystem::create_directories(path.parent_path());
    write_file_atomic(path, text, Durability::cache);
  }
  void mkdir(const std::filesystem::path& relative) const {
    std::filesystem::create_directories(m_dir.path() / relative);
  }
  const std::filesystem::path& root() const { return m_dir.path(); }

private:
  TempDir m_dir{"osbuild-config-test"};
};

// A valid sha512 for tests that need one.
inline std::string sha512_of_nothing() {
  return "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
}

}  // namespace osbuild::config::testing
