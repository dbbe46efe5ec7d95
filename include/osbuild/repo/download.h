#pragma once
// Downloading one target to a file, checked against targets.json as it streams: its length and
// every hash listed that osbuild computes (sha256, sha512). What an update agent does before it
// writes a byte of an update image.
#include <filesystem>
#include <string>

#include "osbuild/repo/client.h"

namespace osbuild::repo {

// Writes target `name` of `repo` to `dest` (replaced). Throws an Error with
// ExitCode::verification naming the target when it is missing, longer or shorter than listed, or
// any listed hash differs; `dest` is removed then.
void download_target(Transport& transport, const RepoLocation& where, const LoadedRepo& repo,
                     const std::string& name, const std::filesystem::path& dest);

}  // namespace osbuild::repo
