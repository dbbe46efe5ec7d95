#pragma once
// The command line as data: the CLI11 definitions walked into a tree of commands and options, from
// which the shell completions, the man page and docs/commands.md are generated, so none of them
// can drift from what the parser accepts.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace osbuild::cli {

struct OptionDoc {
  std::vector<std::string> names;    // "-j", "--jobs"
  std::string value;                 // "TEXT", "INT"; empty for a flag
  std::vector<std::string> choices;  // accepted values when the option checks them
  std::string help;
};

struct PositionalDoc {
  std::string name;  // "variant"
  bool required = false;
  bool repeated = false;
  std::vector<std::string> choices;
  std::string help;
};

struct CommandDoc {
  std::vector<std::string> path;  // {"osbuild", "build", "variant"}
  std::string help;
  std::vector<PositionalDoc> positionals;
  std::vector<OptionDoc> options;  // without --help, which every command has
  std::vector<CommandDoc> subcommands;
  bool needs_subcommand = false;

  std::string name() const;   // "osbuild build variant"
  std::string usage() const;  // "osbuild build variant [options] name"
};

// The tree under `app` (normally the root); hidden commands (empty group) are left out.
CommandDoc describe(const CLI::App& app);

// Every command of the tree, depth first, the root first.
std::vector<const CommandDoc*> flatten(const CommandDoc& root);

// The root App a subcommand belongs to.
const CLI::App& root_app(const CLI::App& sub);

}  // namespace osbuild::cli
