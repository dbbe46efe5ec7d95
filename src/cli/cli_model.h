#pragma once
// The command line as data: the CLI11 definitions walked into the tree of commands and options
// (osbuild/manual/manual.h) from which the shell completions, the man page and docs/commands.md are
// rendered.
#include <CLI/CLI.hpp>

#include "osbuild/manual/manual.h"
#include <string>
#include <vector>

namespace osbuild::cli {

using manual::CommandDoc;
using manual::OptionDoc;
using manual::PositionalDoc;

// The tree under `app` (normally the root); hidden commands (empty group) are left out.
CommandDoc describe(const CLI::App& app);


// The root App a subcommand belongs to.
const CLI::App& root_app(const CLI::App& sub);

}  // namespace osbuild::cli
