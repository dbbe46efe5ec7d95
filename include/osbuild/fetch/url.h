#pragma once
// Where a source can come from: lookaside caches (URLs or folders) and upstream URLs. Pure string
// work, no network.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "osbuild/config/model.h"
#include "osbuild/util/error.h"

namespace osbuild::fetch {

namespace fs = std::filesystem;

// The lowercase scheme of a URL ("https"), or empty when the text has none.
std::string url_scheme(std::string_view url);

// Why `url` cannot be fetched (malformed, unsupported scheme), or nullopt when it looks usable.
// Accepted schemes: http, https, file.
std::optional<std::string> url_problem(std::string_view url);

// A configured lookaside entry as a base URL without a trailing slash: URLs are kept, a plain
// folder path is made absolute against the project root and written as file://.
Result<std::string> lookaside_base(std::string_view entry, const fs::path& project_root);

// The local folder behind a file:// URL, or nullopt for other schemes.
std::optional<fs::path> file_url_path(std::string_view url);

// Bottlerocket's content-addressed layout: <base>/<name>/<sha512>/<name>.
std::string lookaside_url(std::string_view base, std::string_view name, std::string_view sha512);

// The file name an external file is stored under: its `path`, or the last component of its URL
// (without query or fragment).
std::string external_file_name(const config::ExternalFile& file);

// URLs in messages lose their user:password part.
std::string redact_url(std::string_view url);

}  // namespace osbuild::fetch
