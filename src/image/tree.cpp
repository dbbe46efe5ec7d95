#include "osbuild/image/tree.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

namespace osbuild::image {

namespace fs = std::filesystem;

namespace {

using ReadArchive = std::unique_ptr<archive, decltype(&archive_read_free)>;

struct Claim {
  std::string package;
  bool directory = false;
};

// "./usr/bin/" → "usr/bin"; empty for the root itself. Refuses what could escape the tree.
std::string normalise(const std::string& raw, const TreeInput& in) {
  std::vector<std::string> parts;
  for (const auto& part : split(raw, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      throw Error(
          fmt::format("artifact of {}: entry '{}' escapes the root through '..'", in.package, raw),
          "rebuild the package: `osbuild build variant` writes clean artifacts");
    }
    parts.push_back(part);
  }
  return join(parts, "/");
}

void write_data(archive* a, const RootedTree& tree, const std::string& rel, mode_t mode) {
  Fd fd = tree.create_file(rel, mode & 07777);
  const void* block = nullptr;
  std::size_t size = 0;
  la_int64_t offset = 0;
  int rc = ARCHIVE_OK;
  while ((rc = archive_read_data_block(a, &block, &size, &offset)) == ARCHIVE_OK) {
    if (::pwrite(fd.fd, block, size, offset) != static_cast<ssize_t>(size)) {
      throw Error(fmt::format("cannot write /{} in the root tree: {}", rel, std::strerror(errno)));
    }
  }
  ::fchmod(fd.fd, mode & 07777);  // the umask does not apply to what packages installed
  if (rc != ARCHIVE_EOF)
    throw Error(fmt::format("cannot unpack /{}: {}", rel, archive_error_string(a)));
}

class Assembler {
 public:
  Assembler(fs::path root, std::string manifest)
      : m_root(std::move(root)),
        m_manifest(std::move(manifest)),
        m_tree(m_root, [this](const std::string& path) {
          auto it = m_claims.find(path.substr(1));
          return it == m_claims.end() ? std::string() : it->second.package;
        }) {}

  void unpack(const TreeInput& in) {
    ReadArchive a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), in.tar.c_str(), 1 << 16) != ARCHIVE_OK) {
      throw Error(fmt::format("cannot open the artifact of {} ({}): {}", in.package,
                              in.tar.string(), archive_error_string(a.get())));
    }
    archive_entry* entry = nullptr;
    int rc = ARCHIVE_OK;
    while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
      std::string rel = normalise(archive_entry_pathname(entry), in);
      if (!rel.empty()) place(a.get(), entry, rel, in);
    }
    if (rc != ARCHIVE_EOF) {
      throw Error(
          fmt::format("artifact of {} is damaged: {}", in.package, archive_error_string(a.get())),
          "run `osbuild cache verify`, then build again");
    }
  }

  TreeSummary summary() const {
    TreeSummary out = m_summary;
    for (const auto& [rel, c] : m_claims) out.owners["/" + rel] = c.package;
    return out;
  }

  // Times from the artifacts (clamped), applied once nothing more is created in the folders;
  // folders no artifact lists get the epoch.
  void finish(std::int64_t epoch) const;

 private:
  void claim(const std::string& rel, bool directory, const TreeInput& in) {
    auto [it, fresh] = m_claims.try_emplace(rel, Claim{in.package, directory});
    if (fresh || (directory && it->second.directory)) return;
    throw Error(
        fmt::format("packages {} and {} both install /{}", it->second.package, in.package, rel),
        fmt::format("remove the file from one of them, or leave one out of included-packages "
                    "in {}",
                    m_manifest));
  }

  void place(archive* a, archive_entry* entry, const std::string& rel, const TreeInput& in) {
    mode_t type = archive_entry_filetype(entry);
    claim(rel, type == AE_IFDIR, in);
    auto slash = rel.rfind('/');
    if (slash != std::string::npos) m_tree.make_dirs(rel.substr(0, slash), 0755);
    ++m_summary.entries;
    m_mtimes[rel] = archive_entry_mtime(entry);
    if (type == AE_IFDIR) {
      m_tree.make_dirs(rel, 0755);
      m_tree.set_mode(rel, archive_entry_perm(entry));
    } else if (const char* target = archive_entry_hardlink(entry); target != nullptr) {
      m_tree.make_hard_link(normalise(target, in), rel);
    } else if (type == AE_IFLNK) {
      m_tree.make_symlink(rel, archive_entry_symlink(entry));
    } else if (type == AE_IFREG) {
      write_data(a, m_tree, rel, archive_entry_perm(entry));
      m_summary.file_bytes += static_cast<std::uint64_t>(archive_entry_size(entry));
    } else {
      throw Error(fmt::format("artifact of {}: /{} is a device node or fifo", in.package, rel),
                  "packages may install regular files, folders and links only");
    }
  }

  fs::path m_root;
  std::string m_manifest;
  std::map<std::string, Claim> m_claims;
  std::map<std::string, std::int64_t> m_mtimes;
  TreeSummary m_summary;
  RootedTree m_tree;  // last: its owner lookup reads m_claims
};

void set_times(const fs::path& path, std::int64_t when, bool chown_root) {
  if (chown_root && ::lchown(path.c_str(), 0, 0) != 0) {
    throw Error(fmt::format("cannot chown {}: {}", path.string(), std::strerror(errno)));
  }
  struct timespec times[2] = {{when, 0}, {when, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

void Assembler::finish(std::int64_t epoch) const {
  bool chown_root = ::geteuid() == 0;
  const std::size_t prefix = m_root.string().size() + 1;
  for (fs::recursive_directory_iterator it(m_root), end; it != end; ++it) {
    auto found = m_mtimes.find(it->path().string().substr(prefix));
    set_times(it->path(), std::min(found == m_mtimes.end() ? epoch : found->second, epoch),
              chown_root);
  }
  set_times(m_root, epoch, chown_root);
}

}  // namespace

TreeSummary assemble_tree(const std::vector<TreeInput>& inputs, const fs::path& root,
                          std::int64_t epoch, const std::string& variant_manifest) {
  fs::remove_all(root);
  fs::create_directories(root);
  Assembler assembler(root, variant_manifest);
  for (const auto& in : inputs) assembler.unpack(in);
  assembler.finish(epoch);
  return assembler.summary();
}

RootedTree rooted_tree(const fs::path& root, const TreeSummary& summary) {
  return RootedTree(root, [owners = summary.owners](const std::string& path) {
    auto it = owners.find(path);
    return it == owners.end() ? std::string() : it->second;
  });
}

bool add_os_release(const RootedTree& tree, const std::string& os_name, const std::string& version,
                    std::int64_t epoch) {
  if (tree.exists("etc/os-release") || tree.exists("usr/lib/os-release")) return false;
  std::string id;
  for (char c : to_lower(os_name))
    id += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '-';
  tree.make_dirs("usr/lib", 0755);
  tree.make_dirs("etc", 0755);
  tree.write_file("usr/lib/os-release",
                  fmt::format("NAME=\"{0}\"\nID={1}\nVERSION=\"{2}\"\nVERSION_ID={2}\n"
                              "PRETTY_NAME=\"{0} {2}\"\n",
                              os_name, id, version),
                  0644);
  tree.make_symlink("etc/os-release", "../usr/lib/os-release");
  clamp_tree(tree.root(), epoch);
  return true;
}

void add_files(const RootedTree& tree, const TreeFiles& files, std::int64_t epoch) {
  for (const auto& [rel, content] : files) {
    if (tree.exists(rel)) {
      std::string owner = tree.owner_of("/" + rel);
      throw Error(fmt::format("package {} installs /{}, which the image stage writes itself",
                              owner.empty() ? "(unknown)" : owner, rel),
                  "remove /" + rel + " from the package (docs/image.md, \"Update agent files\")");
    }
    auto slash = rel.rfind('/');
    if (slash != std::string::npos) tree.make_dirs(rel.substr(0, slash), 0755);
    tree.write_file(rel, content, 0644);
  }
  clamp_tree(tree.root(), epoch);
}

std::vector<std::string> add_mount_points(const RootedTree& tree) {
  std::vector<std::string> added;
  for (const auto& [name, mode] : {std::pair{"dev", 0755}, {"proc", 0555}, {"sys", 0555},
                                   {"run", 0755}, {"tmp", 01777}}) {
    if (tree.exists(name)) continue;
    if (tree.make_dir(name, static_cast<mode_t>(mode))) added.emplace_back(name);
  }
  return added;
}

std::vector<std::string> tar_paths_named(const fs::path& tar, const std::string& file_name) {
  ReadArchive a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  std::vector<std::string> out;
  if (archive_read_open_filename(a.get(), tar.c_str(), 1 << 16) != ARCHIVE_OK) return out;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    std::string path = archive_entry_pathname(entry);
    if (archive_entry_filetype(entry) != AE_IFDIR && fs::path(path).filename() == file_name) {
      out.push_back(path.rfind("./", 0) == 0 ? path.substr(2) : path);
    }
  }
  return out;
}

std::vector<std::string> move_boot_files(const RootedTree& tree, const fs::path& boot_dir) {
  std::vector<std::string> names;
  if (!tree.is_directory("boot")) return names;
  Fd boot = tree.open_dir("boot");
  auto close_dir = [](DIR* d) { ::closedir(d); };
  std::unique_ptr<DIR, decltype(close_dir)> listing(::fdopendir(::dup(boot.fd)), close_dir);
  if (!listing) throw Error(fmt::format("cannot list /boot in the root tree: {}", std::strerror(errno)));
  while (const dirent* e = ::readdir(listing.get())) {
    struct stat st {};
    if (::fstatat(boot.fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
      names.emplace_back(e->d_name);
    }
  }
  std::sort(names.begin(), names.end());
  fs::create_directories(boot_dir);
  Fd out(::open(boot_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  for (const auto& name : names) {
    if (::renameat(boot.fd, name.c_str(), out.fd, name.c_str()) != 0) {
      throw Error(fmt::format("cannot move /boot/{} to {}: {}", name, boot_dir.string(),
                              std::strerror(errno)));
    }
  }
  return names;
}

void clamp_tree(const fs::path& dir, std::int64_t epoch) {
  bool chown_root = ::geteuid() == 0;
  std::vector<fs::path> paths;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it) paths.push_back(it->path());
  paths.push_back(dir);
  for (const auto& p : paths) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0)
      set_times(p, std::min<std::int64_t>(st.st_mtim.tv_sec, epoch), chown_root);
  }
}

std::uint64_t tree_block_bytes(const fs::path& dir) {
  std::uint64_t total = 4096;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it) {
    std::uint64_t size = it->is_regular_file() && !it->is_symlink() ? it->file_size() : 0;
    total += (size + 4095) / 4096 * 4096 + 256;  // blocks and an inode
  }
  return total;
}

}  // namespace osbuild::image
