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
  app.add_option("-C,--project-path", o.project_dir, "run as if started in this folder");
  cli::add_setting_flags(app, state, {"arch", "jobs", "cache.dir", "log-level", "offline", "locked"});
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
  cli::print_error("unknown command '" + name + "'" + did_you_mean(name, names));
  std::fprintf(stderr, "commands:\n%s", list.c_str());
  return static_cast<int>(ExitCode::usage);
}

// The log level, resolved like every setting: --log-level, OSBUILD_LOG_LEVEL, the built-in
// default. It is not read from osbuild.toml (the table gives it no file key), so no project file
// is needed here, and a broken one is still reported by the command, after logging is set up.
log::Level log_level(const GlobalOptions& options) {
  const auto& def = config::setting("log-level");
  auto value = config::resolve_setting(def, nullptr, options.flags, config::current_environment());
  return log::parse_level(value.value);
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

namespace osbuild::cli {

void print_error(const std::string& what, const std::string& hint) {
  std::fprintf(stderr, "osbuild: error: %s\n", what.c_str());
  if (!hint.empty()) {
    std::fprintf(stderr, "  hint: %s\n", hint.c_str());
  }
}

void print_error(const Error& error) { print_error(error.what(), error.hint()); }

}  // namespace osbuild::cli

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
    cli::print_error(to_lower_first(e.what()), "run `osbuild --help` or `osbuild <command> --help`");
    return static_cast<int>(ExitCode::usage);
  } catch (const CLI::Error& e) {  // a mistake in a command's definition, not the user's
    cli::print_error(std::string("internal: ") + e.what());
    return static_cast<int>(ExitCode::failure);
  } catch (const Error& e) {  // from an option's check: a bad --arch
    cli::print_error(e);
    return static_cast<int>(e.exit_code());
  }
  try {
    log::set_color(log::parse_color(state.options.color));
    log::init(log_level(state.options));
    return state.action ? state.action() : 0;
  } catch (const Error& e) {
    cli::print_error(e);
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    cli::print_error(std::string("internal: ") + e.what());
    return static_cast<int>(ExitCode::failure);
  }
}
