#pragma once
// The loaders behind load.h, taking a FileRef so that load_project can name each file relative to
// the project root while still resolving paths inside it.
#include <string_view>

#include "config/toml_reader.h"
#include "osbuild/config/model.h"

namespace osbuild::config::detail {

ProjectFile parse_project_file(std::string_view text, const FileRef& file);
Package parse_package(std::string_view text, const FileRef& file);
Kit parse_kit(std::string_view text, const FileRef& file);
Variant parse_variant(std::string_view text, const FileRef& file);
Release parse_release(std::string_view text, const FileRef& file);
Infra parse_infra(std::string_view text, const FileRef& file);
ExpirationPolicy parse_expiration_policy(std::string_view text, const FileRef& file);
WavePolicy parse_wave_policy(std::string_view text, const FileRef& file);

// [vendor.<name>] tables, shared by osbuild.toml and Infra.toml.
std::map<std::string, Vendor> parse_vendors(const TableReader& parent, const FileRef& file);

// Release.toml against osbuild.toml: the same version, and migrations that reach it.
void check_release(const ProjectFile& file, const Release& release);
// References between files: package names, vendors, source groups, build scripts and patches.
void check_project(const Project& project);

}  // namespace osbuild::config::detail
