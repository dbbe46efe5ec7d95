#include "osbuild/util/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <memory>
#include <optional>
#include <vector>

#include "osbuild/util/error.h"

namespace osbuild::archives {

namespace {

using ReadArchive = std::unique_ptr<archive, decltype(&archive_read_free)>;
using WriteArchive = std::unique_ptr<archive, decltype(&archive_write_free)>;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// libarchive leaves the message null for some failures (a truncated zip), and fmt refuses null.
const char* error_text(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "damaged or truncated data";
}

ReadArchive open_archive(const fs::path& path) {
  ReadArchive a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw Error(fmt::format("cannot open archive {}: {}", path.string(), error_text(a.get())));
  }
  return a;
}

// "./a//b/" → components {"a", "b"}.
std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") {
      out.emplace_back(part);
    }
    start = end + 1;
  }
  return out;
}

std::string join_components(const std::vector<std::string>& parts, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i) {
    out += (out.empty() ? "" : "/") + parts[i];
  }
  return out;
}

bool has_dotdot(const std::vector<std::string>& parts) {
  for (const auto& p : parts) {
    if (p == "..") {
      return true;
    }
  }
  return false;
}

// Whether a symlink at `entry` (components below dest) pointing at `target` stays inside dest.
bool link_stays_inside(const std::vector<std::string>& entry, std::string_view target) {
  if (target.empty() || target.front() == '/') {
    return false;
  }
  long depth = static_cast<long>(entry.size()) - 1;
  bool named = false;
  for (const auto& part : components(target)) {
    // A '..' after a name climbs out of whatever that name is, and the name may be another
    // symlink ("dot" -> "." makes "dot/.." the folder above the work dir): only leading '..'s,
    // which climb the entry's own folders, can be counted.
    if (part == ".." && named) {
      return false;
    }
    named = named || part != "..";
    depth += part == ".." ? -1 : 1;
    if (depth < 0) {
      return false;
    }
  }
  return true;
}

// The single top-level folder every entry sits in, when there is one.
std::optional<std::string> common_top(const fs::path& path) {
  ReadArchive a = open_archive(path);
  std::optional<std::string> top;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    const char* name = archive_entry_pathname(entry);
    auto parts = components(name != nullptr ? name : "");
    if (parts.empty()) {
      continue;
    }
    bool is_dir = archive_entry_filetype(entry) == AE_IFDIR;
    if ((parts.size() == 1 && !is_dir) || (top && *top != parts.front())) {
      return std::nullopt;
    }
    top = parts.front();
  }
  return top;
}

[[noreturn]] void refuse(const fs::path& archive_path, std::string_view entry,
                         std::string_view why) {
  throw Error(fmt::format("archive {}: entry '{}' {}", archive_path.string(), entry, why),
              fmt::format("the archive {} is unsafe to unpack: check where it came from, or set "
                          "unpack = false for it in package.toml",
                          archive_path.string()));
}

// Checks one entry and rewrites its paths below `dest`; false to skip it (the stripped top).
bool place_entry(const fs::path& archive_path, archive_entry* entry, const fs::path& dest,
                 std::size_t strip, Links links) {
  const char* raw = archive_entry_pathname(entry);
  std::string name = raw != nullptr ? raw : "";
  auto parts = components(name);
  if (!name.empty() && name.front() == '/') {
    refuse(archive_path, name, "is an absolute path");
  }
  if (has_dotdot(parts)) {
    refuse(archive_path, name, "escapes the work dir through '..'");
  }
  auto type = archive_entry_filetype(entry);
  if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK) {
    refuse(archive_path, name, "is a device node or fifo");
  }
  if (parts.size() <= strip) {
    return false;
  }
  std::vector<std::string> inside(parts.begin() + static_cast<long>(strip), parts.end());
  if (const char* link = archive_entry_hardlink(entry); link != nullptr) {
    auto link_parts = components(link);
    if (link[0] == '/' || has_dotdot(link_parts) || link_parts.size() <= strip) {
      refuse(archive_path, name, fmt::format("is a hard link to '{}' outside the work dir", link));
    }
    archive_entry_set_hardlink(entry, (dest / join_components(link_parts, strip)).c_str());
  }
  if (type == AE_IFLNK && links == Links::confine) {
    const char* target = archive_entry_symlink(entry);
    if (!link_stays_inside(inside, target != nullptr ? target : "")) {
      refuse(archive_path, name,
             fmt::format("is a symlink to '{}' outside the work dir", target ? target : ""));
    }
  }
  archive_entry_set_pathname(entry, (dest / join_components(inside, 0)).c_str());
  return true;
}

void copy_data(archive* in, archive* out, const fs::path& archive_path) {
  const void* buffer = nullptr;
  std::size_t size = 0;
  la_int64_t offset = 0;
  int r = ARCHIVE_OK;
  while ((r = archive_read_data_block(in, &buffer, &size, &offset)) == ARCHIVE_OK) {
    if (archive_write_data_block(out, buffer, size, offset) != ARCHIVE_OK) {
      throw Error(fmt::format("cannot unpack {}: {}", archive_path.string(), error_text(out)));
    }
  }
  if (r != ARCHIVE_EOF) {
    throw Error(fmt::format("cannot read archive {}: {}", archive_path.string(), error_text(in)));
  }
}

}  // namespace

bool is_archive_name(std::string_view name) {
  for (std::string_view suffix : {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz",
                                  ".tar.zst", ".tzst", ".zip"}) {
    if (ends_with(name, suffix)) {
      return true;
    }
  }
  return false;
}

void unpack_archive(const fs::path& archive_file, const fs::path& dest, StripTop strip, Links links,
                    std::string_view name) {
  // Messages name the archive as the user knows it; the file itself is read from archive_file.
  const fs::path archive_path = name.empty() ? archive_file : fs::path(name);
  std::size_t strip_count = strip == StripTop::yes && common_top(archive_file) ? 1 : 0;
  ReadArchive in = open_archive(archive_file);
  WriteArchive out(archive_write_disk_new(), archive_write_free);
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  fs::create_directories(dest);
  archive_entry* entry = nullptr;
  int r = ARCHIVE_OK;
  while ((r = archive_read_next_header(in.get(), &entry)) == ARCHIVE_OK) {
    if (!place_entry(archive_path, entry, dest, strip_count, links)) {
      continue;
    }
    if (archive_write_header(out.get(), entry) != ARCHIVE_OK) {
      throw Error(fmt::format("cannot unpack {} entry '{}': {}", archive_path.string(),
                              archive_entry_pathname(entry), error_text(out.get())));
    }
    if (archive_entry_size(entry) > 0) {
      copy_data(in.get(), out.get(), archive_path);
    }
    archive_write_finish_entry(out.get());
  }
  if (r != ARCHIVE_EOF) {
    throw Error(
        fmt::format("cannot read archive {}: {}", archive_path.string(), error_text(in.get())));
  }
}

}  // namespace osbuild::archives
