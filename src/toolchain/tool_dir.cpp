// The tool dir a build runs its compiler from: the wrappers for zig, a CMake toolchain file and
// what autotools reads. Rewritten only when its contents change, so that mtimes stay put for
// build systems that compare them (cargo-zigbuild does the same for ccache).
#include <sys/stat.h>

#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

namespace osbuild::toolchain {

namespace {

const char* const k_wrapper_tools[] = {"cc", "c++", "ar", "ranlib", "strip", "objcopy"};

// GNU names a configure script may look for on PATH when --host is given.
const std::pair<const char*, const char*> k_triple_names[] = {
    {"gcc", "cc"}, {"cc", "cc"},         {"g++", "c++"},     {"c++", "c++"},
    {"ar", "ar"},  {"ranlib", "ranlib"}, {"strip", "strip"}, {"objcopy", "objcopy"}};

void write_if_changed(const fs::path& path, const std::string& text, bool executable = false) {
  auto old = read_file(path);
  if (!old || old.value() != text) {
    write_file_atomic(path, text, Durability::cache);
  }
  fs::permissions(path, executable ? fs::perms(0755) : fs::perms(0644));
}

void symlink_to(const fs::path& link, const fs::path& target) {
  std::error_code ec;
  if (fs::is_symlink(link) && fs::read_symlink(link, ec) == target) return;
  fs::path tmp = link.string() + ".tmp";
  fs::remove(tmp, ec);
  fs::create_symlink(target, tmp);
  fs::rename(tmp, link);
}

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string cmake_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '$') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string cmake_file(const ResolvedToolchain& t, const Programs& p) {
  std::string out =
      "# Written by osbuild for toolchain " + t.name + "; rewritten on every build.\n";
  if (t.cross()) {
    out += "set(CMAKE_SYSTEM_NAME Linux)\n";
    out += "set(CMAKE_SYSTEM_PROCESSOR " + std::string(arch_name(t.target_arch)) + ")\n";
  }
  out += "set(CMAKE_C_COMPILER " + cmake_quote(p.cc.string()) + ")\n";
  out += "set(CMAKE_CXX_COMPILER " + cmake_quote(p.cxx.string()) + ")\n";
  out += "set(CMAKE_AR " + cmake_quote(p.ar.string()) + " CACHE FILEPATH \"archiver\")\n";
  out += "set(CMAKE_RANLIB " + cmake_quote(p.ranlib.string()) + " CACHE FILEPATH \"ranlib\")\n";
  out += "set(CMAKE_STRIP " + cmake_quote(p.strip.string()) + " CACHE FILEPATH \"strip\")\n";
  if (t.kind == ToolchainKind::zig) {
    // zig's linker writes no depfile (cargo-zigbuild sets the same).
    out += "set(CMAKE_C_LINKER_DEPFILE_SUPPORTED FALSE)\n";
    out += "set(CMAKE_CXX_LINKER_DEPFILE_SUPPORTED FALSE)\n";
  }
  if (!t.sysroot.empty() && t.kind != ToolchainKind::gcc) {
    out += "set(CMAKE_SYSROOT " + cmake_quote(t.sysroot.string()) + ")\n";
  }
  if (t.cross()) {
    // Libraries and headers of the build-time dependencies, never the build machine's.
    out +=
        "if(DEFINED ENV{OSBUILD_SYSROOT})\n"
        "  list(APPEND CMAKE_FIND_ROOT_PATH \"$ENV{OSBUILD_SYSROOT}\")\n"
        "endif()\n"
        "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\n"
        "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)\n"
        "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)\n"
        "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)\n";
  }
  return out;
}

std::string env_file(const ResolvedToolchain& t, const fs::path& tool_dir) {
  std::string out =
      "# Written by osbuild for toolchain " + t.name + ": source it, then configure.\n";
  for (const auto& [key, value] : t.environment(tool_dir)) {
    out += key + "=" + sh_quote(value) + "\n";
  }
  out += "OSBUILD_CONFIGURE_ARGS=" + sh_quote(join(t.autotools_args(), " ")) + "\n";
  return out;
}

// autoconf reads $CONFIG_SITE before running its checks: the programs, unless the build set them.
std::string config_site(const ResolvedToolchain& t, const Programs& p) {
  std::string out = "# autoconf site defaults written by osbuild for toolchain " + t.name + "\n";
  for (const auto& [var, path] : {std::pair{"CC", p.cc},
                                  {"CXX", p.cxx},
                                  {"AR", p.ar},
                                  {"RANLIB", p.ranlib},
                                  {"STRIP", p.strip}}) {
    out += std::string("test -n \"$") + var + "\" || " + var + "=" + sh_quote(path.string()) + "\n";
  }
  return out;
}

int zig_minor(const std::string& version) {
  auto parts = split(version, '.');
  return parts.size() >= 2 ? std::atoi(parts[1].c_str()) : 11;
}

Json wrapper_config(const ResolvedToolchain& t) {
  return {{"toolchain", t.name},
          {"zig", t.compiler.string()},
          {"target", t.zig_target},
          {"target_arch", arch_name(t.target_arch)},
          {"host_arch", arch_name(t.host_arch)},
          {"musl", t.target_values.count("libc") != 0 && t.target_values.at("libc") == "musl"},
          {"clang_major", t.clang_major},
          {"zig_minor", zig_minor(t.zig_version)},
          {"rule_version", k_wrapper_rule_version}};
}

void write_wrappers(const ResolvedToolchain& t, const fs::path& dir, const fs::path& exe) {
  if (exe.empty() || !fs::exists(exe)) {
    throw Error(
        "cannot make the compiler wrappers: the osbuild binary " + exe.string() + " does not exist",
        "pass the path of the running osbuild (/proc/self/exe)");
  }
  write_if_changed(dir / "osbuild-toolchain.json", wrapper_config(t).dump(2) + "\n");
  for (const char* tool : k_wrapper_tools) {
    symlink_to(dir / (std::string("osbuild-") + tool), exe);
  }
  for (const auto& [name, tool] : k_triple_names) {
    fs::path target = dir / (std::string("osbuild-") + tool);
    write_if_changed(dir / (t.gnu_triple + "-" + name),
                     "#!/bin/sh\nexec " + sh_quote(target.string()) + " \"$@\"\n", true);
  }
}

}  // namespace

void write_tool_dir(const ResolvedToolchain& t, const fs::path& tool_dir,
                    const fs::path& osbuild_exe) {
  fs::path dir = fs::absolute(tool_dir).lexically_normal();
  fs::create_directories(dir);
  if (t.kind == ToolchainKind::zig) {
    write_wrappers(t, dir, fs::absolute(osbuild_exe));
  }
  Programs p = t.programs(dir);
  write_if_changed(dir / "toolchain.cmake", cmake_file(t, p));
  write_if_changed(dir / "toolchain.env", env_file(t, dir));
  write_if_changed(dir / "config.site", config_site(t, p));
}

}  // namespace osbuild::toolchain
