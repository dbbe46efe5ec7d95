// A target downloaded to a file and checked as it streams (download.h).
#include "osbuild/repo/download.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "osbuild/util/hash.h"

namespace osbuild::repo {

namespace {

[[noreturn]] void refuse(const std::string& what) {
  throw Error(what,
              "the repository was changed after it was signed, or a mirror serves other bytes; "
              "nothing was written: fix or republish the repository",
              ExitCode::verification);
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

void download_target(Transport& transport, const RepoLocation& where, const LoadedRepo& repo,
                     const std::string& name, const std::filesystem::path& dest) {
  auto it = repo.targets.targets.find(name);
  if (it == repo.targets.targets.end()) refuse("the repository lists no target " + name);
  const TargetFile& target = it->second;
  std::string url = join_url(where.targets_url, target_path(layout_of(repo.root), name, target.sha256()));

  std::unique_ptr<std::FILE, FileCloser> out(std::fopen(dest.c_str(), "wb"));
  if (!out) throw Error(fmt::format("cannot write {}", dest.string()));
  Hasher sha256(HashAlgorithm::sha256);
  Hasher sha512(HashAlgorithm::sha512);
  bool want512 = target.hashes.count("sha512") != 0;
  std::uint64_t length = 0;
  FetchStatus status = FetchStatus::missing;
  try {
    // One byte more than listed is enough to know the target is too long.
    status = transport.fetch(url, target.length + 1, [&](std::string_view piece) {
      length += piece.size();
      if (length > target.length) {
        refuse(fmt::format("target {} is longer than the {} bytes targets.json lists ({})", name,
                           target.length, url));
      }
      sha256.update(piece);
      if (want512) sha512.update(piece);
      if (std::fwrite(piece.data(), 1, piece.size(), out.get()) != piece.size()) {
        throw Error(fmt::format("cannot write {}", dest.string()));
      }
    });
    if (status == FetchStatus::missing) refuse("target " + name + " is missing: " + url + " does not exist");
    if (length != target.length) {
      refuse(fmt::format("target {} is {} bytes, but targets.json lists {} ({})", name, length,
                         target.length, url));
    }
    std::string got = sha256.hex_digest();
    if (got != target.sha256()) {
      refuse(fmt::format("target {} has sha256 {}, but targets.json lists {} (a tampered or "
                         "corrupt target: {})",
                         name, got, target.sha256(), url));
    }
    if (want512 && sha512.hex_digest() != target.hashes.at("sha512")) {
      refuse(fmt::format("target {} has another sha512 than targets.json lists ({})", name, url));
    }
    if (std::fflush(out.get()) != 0) throw Error(fmt::format("cannot write {}", dest.string()));
  } catch (...) {
    out.reset();
    std::error_code ec;
    std::filesystem::remove(dest, ec);
    throw;
  }
}

}  // namespace osbuild::repo
