// osbuild: parse, dispatch, map errors to exit codes. Everything else lives in the core library.
#include <cstdio>

#include "cli.h"
#include "libraries.h"
#include "osbuild/toolchain/rewrite.h"
#include "osbuild/util/log.h"
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

// The parser's refusal, said with the word it could not place and the nearest known name.
int usage_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  auto unknown = cli::unknown_word(app, argc, argv);
  if (!unknown) {
    cli::print_error(to_lower_first(e.what()), "run `osbuild --help` or `osbuild <command> --help`");
    return static_cast<int>(ExitCode::usage);
  }
  cli::print_error(unknown->error);
  if (unknown->is_command) {
    std::fprintf(stderr, "commands:\n");
    for (const CLI::App* sub : cli::visible_subcommands(*unknown->app)) {
      std::fprintf(stderr, "  %-12s %s\n", sub->get_name().c_str(),
                   sub->get_description().c_str());
    }
  }
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
  if (argc == 1) {  // like any usage error: the help on stderr, exit 2 (docs/commands.md)
    std::fputs(app.help().c_str(), stderr);
    return static_cast<int>(ExitCode::usage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e, argc, argv);
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
