// osbuild: parse, dispatch, map errors to exit codes. Everything else lives in the core library.
#include <cstdio>

#include "cli.h"
#include "libraries.h"
#include "osbuild/toolchain/rewrite.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/log.h"
#include "osbuild/version.h"

using namespace osbuild;

namespace {

void add_global_options(CLI::App& app, cli::CliState& state) {
  auto& o = state.options;
  app.add_option("-C,--project-path", o.project_dir, "run as if started in this folder");
  cli::add_setting_flags(app, state, {"arch", "jobs", "cache.dir", "log-level", "offline", "locked"});
  app.add_flag_callback("--json", [&o] { o.output = OutputMode::json; },
                        "JSON Lines on stdout: one event per line (docs/json.md)");
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

// Whether --json is on the command line (before any `--`): --version and --help answer, and a
// usage error is reported, before the parser has run the flag's callback.
bool json_requested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") return false;
    if (word == "--json") return true;
  }
  return false;
}

// The stage of a command's events: the subcommand parsed (`build`, `repo`, …).
std::string command_stage(const CLI::App& app) {
  auto parsed = app.get_subcommands();
  return parsed.empty() ? "osbuild" : parsed.front()->get_name();
}

// --version and --help with --json: one event each (docs/json.md).
int answer_json(const CLI::App& app, const CLI::Success& e) {
  if (dynamic_cast<const CLI::CallForVersion*>(&e) != nullptr) {
    Json libraries = Json::array();
    for (const auto& lib : cli::libraries()) {
      libraries.push_back(
          {{"name", lib.name}, {"built_with", lib.built_with}, {"running", lib.running}});
    }
    json_event(
        "version", "version",
        {{"version", OSBUILD_VERSION}, {"commit", OSBUILD_GIT_COMMIT}, {"libraries", libraries}});
  } else {
    json_event("help", "help", {{"command", command_stage(app)}, {"text", app.help()}});
  }
  return 0;
}

// An error as every command reports it: on stderr, and with --json also as the stream's last
// event, {"event":"error"} with the exit code the process ends with.
int report(const Error& e, bool json, const std::string& stage) {
  cli::print_error(e);
  if (json) {
    json_event(stage, "error",
               {{"message", e.what()},
                {"hint", e.hint()},
                {"exit_code", static_cast<int>(e.exit_code())}});
  }
  return static_cast<int>(e.exit_code());
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
    if (json_requested(argc, argv)) return answer_json(app, e);
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    int code = usage_error(app, e, argc, argv);
    if (json_requested(argc, argv)) {
      json_event(command_stage(app), "error",
                 {{"message", to_lower_first(e.what())}, {"hint", ""}, {"exit_code", code}});
    }
    return code;
  } catch (const CLI::Error& e) {  // a mistake in a command's definition, not the user's
    cli::print_error(std::string("internal: ") + e.what());
    return static_cast<int>(ExitCode::failure);
  } catch (const Error& e) {  // from an option's check: a bad --arch
    return report(e, json_requested(argc, argv), command_stage(app));
  }
  try {
    log::set_color(log::parse_color(state.options.color));
    log::init(log_level(state.options));
    return state.action ? state.action() : 0;
  } catch (const Error& e) {
    return report(e, state.options.output == OutputMode::json, command_stage(app));
  } catch (const std::exception& e) {
    cli::print_error(std::string("internal: ") + e.what());
    return static_cast<int>(ExitCode::failure);
  }
}
