#pragma once
// One package's build driven through the FakeRunner: a project folder, a content store and a
// toolchain in a temp dir, nothing run for real.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>

#include "build/package_build.h"
#include "fakes/fake_process.h"
#include "osbuild/util/fs.h"

namespace osbuild::build {

class PackageBuildTest : public ::testing::Test {
 private:
  TempDir m_dir{"osbuild-build-test"};  // first: removed after everything that uses it

 protected:
  void SetUp() override {
    project.root = m_dir.path() / "project";
    project.file.name = "hello-os";
    fs::create_directories(project.root);
    store = std::make_unique<store::Store>(m_dir.path() / "cache", Durability::cache);
    tc.name = "host-gcc";
    tc.real = {"/usr/bin/gcc", "/usr/bin/g++", "/usr/bin/ar", "/usr/bin/ranlib", "/usr/bin/strip"};
    tc.compiler = "/usr/bin/gcc";
    tc.gnu_triple = "x86_64-linux-gnu";
    pkg.name = "zlib";
    pkg.dir = project.root / "packages" / "zlib";
    fs::create_directories(pkg.dir);
  }

  BuildContext context() {
    return BuildContext{project, *store, runner,  tc,   tools(),         {},
                        arch,    2,      1234,    build_dir(), sandbox_kind, nullptr};
  }

  PackageResult build(const std::string& key = std::string(64, '1'),
                      const std::vector<std::string>& deps = {}) {
    return build_package(context(), pkg, deps, key, inputs);
  }

  fs::path build_dir() const { return project.root / "build"; }
  fs::path tools() const { return m_dir.path() / "tools"; }
  fs::path work_root() const { return build_dir() / "work" / "x86_64" / pkg.name; }
  fs::path log() const { return build_dir() / "logs" / "x86_64" / (pkg.name + ".log"); }
  fs::path temp() const { return m_dir.path(); }

  static void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  // Where a command's environment says a folder of the build is.
  static fs::path env_dir(const process::Command& c, const std::string& name) {
    return c.env.value().at(name);
  }
  // An effect that installs `file` (relative) with `text` into the build's destdir.
  static fakes::FakeRunner::Effect installs(std::string file, std::string text) {
    return [file, text](const process::Command& c) {
      write(env_dir(c, "OSBUILD_DESTDIR") / file, text);
    };
  }

  config::Project project;
  std::unique_ptr<store::Store> store;
  fakes::FakeRunner runner;
  toolchain::ResolvedToolchain tc;
  config::Package pkg;
  Arch arch = Arch::x86_64;
  sandbox::SandboxKind sandbox_kind = sandbox::SandboxKind::unshare;
  Json inputs = {{"recipe", {{"name", "zlib"}}}, {"sources", Json::object()}};
};

}  // namespace osbuild::build
