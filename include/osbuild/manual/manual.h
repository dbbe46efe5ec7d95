#pragma once
// The reference pages and completions of the command line, rendered from the command line as data
// (a tree of commands and options that src/cli/ walks out of its parser), so none of them can
// drift from what the parser accepts: the man page (docs/osbuild.1), docs/commands.md,
// docs/configuration.md (from the settings tables) and the bash, zsh and fish completion scripts.
// Each writes to stdout.
#include <string>
#include <vector>

namespace osbuild::manual {

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

// Every command of the tree, depth first, the root first.
std::vector<const CommandDoc*> flatten(const CommandDoc& root);

void print_man(const CommandDoc& root);
void print_commands(const CommandDoc& root);
void print_configuration();

void print_bash(const CommandDoc& root);
void print_zsh(const CommandDoc& root);
void print_fish(const CommandDoc& root);

}  // namespace osbuild::manual
