#pragma once
// Shared by main.cpp and the subcommand files: each file registers one subcommand.
#include <CLI/CLI.hpp>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/util/json.h"
#include "osbuild/workspace/context.h"

namespace osbuild::cli {

struct CliState {
  GlobalOptions options;
  std::function<int()> action;  // set by the subcommand that was parsed
};

struct Command {
  const char* name;
  const char* help;
  void (*setup)(CLI::App& sub, CliState& state);
};

// The flags of these settings ("arch", "jobs", …), with the names and help of their rows in
// config::setting_table() (flags.cpp). A value is checked when it is parsed; a bad one throws a
// UsageError naming the flag.
void add_setting_flags(CLI::App& app, CliState& state, std::initializer_list<std::string_view> keys);

// An osbuild::Error as every command prints it: "osbuild: error: <what>" and, when there is a
// next step, "  hint: <what to do>" (main.cpp).
void print_error(const Error& error);
// "osbuild: error: <what>", for a failure that is not an osbuild::Error.
void print_error(const std::string& what, const std::string& hint = "");

// A word of the command line that the parser cannot place, as a usage error naming the nearest
// known name: an option unknown to the command it follows and to the commands above it, or a
// subcommand a command does not have (suggest.cpp).
struct UnknownWord {
  UsageError error;
  const CLI::App* app;  // the command the word was given to
  bool is_command;      // a subcommand, not an option
};
// The first unknown word of argv; nullopt when the parser knows every word (suggest.cpp).
std::optional<UnknownWord> unknown_word(const CLI::App& root, int argc, char** argv);
// The subcommands `osbuild help` and the docs list: hidden ones (empty group) left out.
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);

// A document one of the renderers prints (the man page, a reference, a completion script), as the
// command writes it: the text itself, or under --json one event holding it (cmd_docs.cpp).
void write_document(const GlobalOptions& options, std::string_view stage, const Json& fields,
                    const std::function<void()>& print);

// Every subcommand, in the order `osbuild --help` lists them (commands.cpp).
const std::vector<Command>& commands();

// One setup function per subcommand file.
void setup_config(CLI::App& sub, CliState& state);
void setup_fetch(CLI::App& sub, CliState& state);
void setup_plan(CLI::App& sub, CliState& state);
void setup_cache(CLI::App& sub, CliState& state);
void setup_build(CLI::App& sub, CliState& state);
void setup_toolchains(CLI::App& sub, CliState& state);
void setup_doctor(CLI::App& sub, CliState& state);
void setup_repo(CLI::App& sub, CliState& state);
void setup_keys(CLI::App& sub, CliState& state);
void setup_root(CLI::App& sub, CliState& state);
void setup_image(CLI::App& sub, CliState& state);
void setup_qemu(CLI::App& sub, CliState& state);
void setup_publish(CLI::App& sub, CliState& state);
void setup_update(CLI::App& sub, CliState& state);
// `build kit K`, added to `build` by setup_build (cmd_build_kit.cpp).
void setup_build_kit(CLI::App& build, CliState& state);
void setup_release(CLI::App& sub, CliState& state);
void setup_completions(CLI::App& sub, CliState& state);
void setup_docs(CLI::App& sub, CliState& state);
void setup_help(CLI::App& sub, CliState& state);

}  // namespace osbuild::cli
