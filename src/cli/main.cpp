// osbuild: parse, dispatch, map errors to exit codes. Everything else lives in the core library.
#include <cstdio>
#include <optional>

#include "cli.h"
#include "libraries.h"
#include "osbuild/toolchain/rewrite.h"
#include "osbuild/util/log.h"
#include "osbuild/util/text.h"
#include "osbuild/version.h"

using namespace osbuild;

namespace {

void add_global_options(CLI::App& app, cli::CliState& state) {
  auto& o = state.options;
  auto flag_setting = [&](const std::string& names, const std::string& key, const std::string& help) {
    app.add_option_function<std::string>(
           names, [&o, key](const std::string& v) { o.flags[key] = v; }, help)
        ->configurable(false);
  };
  app.add_option("-C,--project-path", o.project_dir, "run as if started in this folder");
  flag_setting("--arch", "arch", "target architecture (x86_64, aarch64; aliases amd64, arm64)");
  flag_setting("-j,--jobs", "jobs", "parallel jobs (default: number of cores)");
  flag_setting("--cache-dir", "cache.dir", "the local content store");
  flag_setting("--log-level", "log-level", "debug log: trace, debug, info, warn, error, off");
  app.add_flag_callback("--offline", [&o] { o.flags["offline"] = "true"; }, "never touch the network");
  app.add_flag_callback("--locked", [&o] { o.flags["locked"] = "true"; },
                        "refuse a missing or stale osbuild.lock");
  app.add_flag_callback("--json", [&o] { o.output = OutputMode::json; }, "machine-readable output");
  app.add_flag_callback("-v,--verbose", [&o] { o.verbosity = Verbosity::verbose; }, "say more");
  app.add_flag_callback("-q,--quiet", [&o] { o.verbosity = Verbosity::quiet; }, "say only errors");
  app.add_option("--color", o.color, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
}

std::string to_lower_first(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

int unknown_command(const std::string& name) {
  std::vector<std::string> names;
  std::string list;
  for (const auto& c : cli::commands()) {
    names.emplace_back(c.name);
    list += fmt::format("  {:<12} {}\n", c.name, c.help);
  }
  std::fprintf(stderr, "osbuild: error: unknown command '%s'%s\ncommands:\n%s", name.c_str(),
               did_you_mean(name, names).c_str(), list.c_str());
  return static_cast<int>(ExitCode::usage);
}

// The first word that is neither an option nor an option's value: the command the user typed.
std::optional<std::string> command_word(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.empty() || word[0] != '-') {
      return word;
    }
    if (word.find('=') != std::string::npos) {
      continue;
    }
    const CLI::Option* option = app.get_option_no_throw(word);
    if (option != nullptr && option->get_expected_min() > 0) {
      ++i;  // skip the option's value
    }
  }
  return std::nullopt;
}

bool is_command(const std::string& word) {
  for (const auto& c : cli::commands()) {
    if (word == c.name) {
      return true;
    }
  }
  return false;
}

std::string version_text() {
  return std::string("osbuild ") + OSBUILD_VERSION + "\ncommit " + OSBUILD_GIT_COMMIT +
         "\nlibraries: " + cli::library_summary();
}

}  // namespace

int main(int argc, char** argv) {
  if (auto rc = toolchain::dispatch_wrapper(argc, argv)) {  // run as osbuild-cc, osbuild-ar, …
    return *rc;
  }
  CLI::App app{"osbuild: build, image and publish a container-optimised OS", "osbuild"};
  // A callback, not the text: the library versions come from libcurl, libarchive and libgit2,
  // which load on first use (src/util/lazy_library.h), and only --version should load them.
  app.set_version_flag("--version", version_text,
                       "print the version, the git commit and the libraries' versions");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `osbuild plan dev --arch aarch64`
  cli::CliState state;
  add_global_options(app, state);
  for (const auto& command : cli::commands()) {
    command.setup(*app.add_subcommand(command.name, command.help), state);
  }
  auto word = command_word(app, argc, argv);
  if (word && !is_command(*word)) {
    return unknown_command(*word);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "osbuild: error: %s\n", to_lower_first(e.what()).c_str());
    std::fprintf(stderr, "  hint: run `osbuild --help` or `osbuild <command> --help`\n");
    return static_cast<int>(ExitCode::usage);
  } catch (const CLI::Error& e) {  // a mistake in a command's definition, not the user's
    std::fprintf(stderr, "osbuild: error: internal: %s\n", e.what());
    return static_cast<int>(ExitCode::failure);
  } catch (const Error& e) {
    std::fprintf(stderr, "osbuild: error: %s\n", e.what());
    return static_cast<int>(e.exit_code());
  }
  try {
    auto level = state.options.flags.count("log-level") ? state.options.flags["log-level"] : "warn";
    log::set_color(log::parse_color(state.options.color));
    log::init(log::parse_level(level));
    return state.action ? state.action() : 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "osbuild: error: %s\n", e.what());
    if (!e.hint().empty()) {
      std::fprintf(stderr, "  hint: %s\n", e.hint().c_str());
    }
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "osbuild: error: internal: %s\n", e.what());
    return static_cast<int>(ExitCode::failure);
  }
}
