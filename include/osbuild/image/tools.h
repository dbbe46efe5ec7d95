#pragma once
// The external programs the image stage runs (mkfs.erofs, mksquashfs, mkfs.ext4, debugfs,
// qemu-img, lz4), found on PATH, each identified by its path and the sha256 of its binary: that
// identity enters the image key, so a new mkfs rebuilds the image. Every run appends the command
// and its output to one log; a failure shows the command, its last lines and the log.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "osbuild/process/process.h"
#include "osbuild/util/json.h"

namespace osbuild::image {

class Tools {
 public:
  Tools(std::filesystem::path log, std::int64_t epoch,
        process::Runner& runner = process::system_runner());

  // The absolute path, or an Error naming the Debian package that provides it.
  const std::string& path(const std::string& name);
  // {"mkfs.erofs": {"path": …, "sha256": …}, …} for the tools named.
  Json identity(const std::vector<std::string>& names);
  // Runs `argv` (argv[0] a tool name) with a fixed environment: PATH, LC_ALL=C, TZ=UTC,
  // SOURCE_DATE_EPOCH and E2FSPROGS_FAKE_TIME set to the epoch, through the runner.
  void run(std::vector<std::string> argv);
  const std::filesystem::path& log() const { return m_log; }

 private:
  std::filesystem::path m_log;
  process::Runner& m_runner;
  std::map<std::string, std::string> m_env;
  std::map<std::string, std::string> m_paths;
  bool m_started = false;
};

}  // namespace osbuild::image
