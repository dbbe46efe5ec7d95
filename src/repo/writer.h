#pragma once
// Target files into the repository's targets/ folder under their content address.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "osbuild/repo/client.h"
#include "osbuild/repo/metadata.h"

namespace osbuild::repo::detail {

// Copies `source` to targets/<sha256>.<name> (targets/<name> in a plain layout), hashing while
// copying, fsynced and renamed into place; the caller fsyncs the folder once after the last target.
TargetFile store_target(const std::filesystem::path& targets_dir, const std::string& name,
                        const std::filesystem::path& source, Layout layout);
TargetFile store_target_bytes(const std::filesystem::path& targets_dir, const std::string& name,
                              std::string_view bytes, Layout layout);

}  // namespace osbuild::repo::detail
