#pragma once
// osbuild.toml's [[constraint-setting]], [platform.X], [constraint-set.X] and [[toolchain]]
// (docs/toolchains.md), checked against the built-ins and each other.
#include "config/toml_reader.h"
#include "osbuild/config/toolchains.h"

namespace osbuild::config::detail {

config::ToolchainConfig parse_toolchains(const TableReader& root, const FileRef& file);

}  // namespace osbuild::config::detail
