#pragma once
// Where a source can come from: lookaside caches (URLs or folders) and upstream URLs. Pure string
// work, no network.
#include <filesystem>
#include <string>
#include <string_view>

#include "osbuild/config/model.h"
#include "osbuild/util/error.h"

namespace osbuild::fetch {

namespace fs = std::filesystem;

// A configured lookaside entry as a base URL without a trailing slash: URLs are kept, a plain
// folder path is made absolute against the project root and written as file://.
Result<std::string> lookaside_base(std::string_view entry, const fs::path& project_root);

// Bottlerocket's content-addressed layout: <base>/<name>/<sha512>/<name>.
std::string lookaside_url(std::string_view base, std::string_view name, std::string_view sha512);

// The file name an external file is stored under: its `path`, or the last component of its URL
// (without query or fragment).
std::string external_file_name(const config::ExternalFile& file);

}  // namespace osbuild::fetch
