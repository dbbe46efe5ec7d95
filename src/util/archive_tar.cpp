// The package artifact: a deterministic tar of the output tree and its manifest.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "osbuild/util/archive.h"
#include "osbuild/util/error.h"
#include "osbuild/util/hash.h"

namespace osbuild::archives {

namespace {

using WriteArchive = std::unique_ptr<archive, decltype(&archive_write_free)>;

std::vector<std::string> sorted_entries(const fs::path& tree) {
  std::vector<std::string> out;
  std::error_code ec;
  const std::size_t prefix = tree.generic_string().size() + 1;
  for (fs::recursive_directory_iterator it(tree, ec), end; !ec && it != end; it.increment(ec)) {
    out.push_back(it->path().generic_string().substr(prefix));
  }
  if (ec) {
    throw Error(fmt::format("cannot read output tree {}: {}", tree.string(), ec.message()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Streams a file into the archive while hashing it; returns the sha256.
std::string write_file_data(archive* out, const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error("cannot read " + file.string() + " of the output tree");
  }
  Hasher hasher(HashAlgorithm::sha256);
  std::vector<char> buffer(1 << 16);
  ssize_t n = 0;
  while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) {
    hasher.update(buffer.data(), static_cast<std::size_t>(n));
    archive_write_data(out, buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (n < 0) {
    throw Error("cannot read " + file.string() + " of the output tree");
  }
  return hasher.hex_digest();
}

Json write_entry(archive* out, const fs::path& tree, const std::string& rel, std::int64_t epoch) {
  fs::path full = tree / rel;
  struct stat st {};
  if (::lstat(full.c_str(), &st) != 0) {
    throw Error("cannot stat " + full.string() + " of the output tree");
  }
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                      archive_entry_free);
  archive_entry* e = entry.get();
  archive_entry_set_pathname(e, rel.c_str());
  archive_entry_set_uid(e, 0);
  archive_entry_set_gid(e, 0);
  archive_entry_set_uname(e, "root");
  archive_entry_set_gname(e, "root");
  archive_entry_set_mtime(e, std::min<std::int64_t>(st.st_mtime, epoch), 0);
  archive_entry_set_perm(e, st.st_mode & 07777);
  Json item = {{"path", rel}, {"mode", fmt::format("{:04o}", st.st_mode & 07777)}};
  if (S_ISLNK(st.st_mode)) {
    std::string target = fs::read_symlink(full).string();
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_symlink(e, target.c_str());
    item["type"] = "symlink";
    item["target"] = target;
    archive_write_header(out, e);
  } else if (S_ISDIR(st.st_mode)) {
    archive_entry_set_filetype(e, AE_IFDIR);
    item["type"] = "dir";
    archive_write_header(out, e);
  } else if (S_ISREG(st.st_mode)) {
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_size(e, st.st_size);
    archive_write_header(out, e);
    item["type"] = "file";
    item["size"] = st.st_size;
    item["sha256"] = write_file_data(out, full);
  } else {
    throw Error(fmt::format("the output tree holds {}, which is not a file, folder or symlink",
                            full.string()),
                "a package may install only files, folders and symlinks");
  }
  return item;
}

}  // namespace

Json write_tree_tar(const fs::path& tree, const fs::path& tar_path, std::int64_t epoch) {
  WriteArchive out(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(out.get());
  if (archive_write_open_filename(out.get(), tar_path.c_str()) != ARCHIVE_OK) {
    throw Error(
        fmt::format("cannot write {}: {}", tar_path.string(), archive_error_string(out.get())));
  }
  Json manifest = Json::array();
  for (const auto& rel : sorted_entries(tree)) {
    manifest.push_back(write_entry(out.get(), tree, rel, epoch));
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    throw Error(
        fmt::format("cannot write {}: {}", tar_path.string(), archive_error_string(out.get())));
  }
  return manifest;
}

}  // namespace osbuild::archives
