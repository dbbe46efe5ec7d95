#include "osbuild/store/layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "osbuild/util/error.h"
#include "osbuild/util/hash.h"

namespace osbuild::store {

namespace {

std::optional<FileInfo> stat_file(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return FileInfo{path, static_cast<std::uint64_t>(st.st_size),
                  static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                  st.st_dev, st.st_ino};
}

bool is_temp_name(std::string_view name) { return name.find(".tmp.") != std::string_view::npos; }

bool is_shard_name(std::string_view name) {
  return name.size() == 2 && is_lower_hex(name, 2);
}

// One shard folder: entries whose names start with the shard's two digits, and temporary files.
void scan_shard(Area area, const fs::path& dir, Scan& out) {
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    std::string name = item.path().filename().string();
    bool entry = is_entry_name(name) && name.compare(0, 2, dir.filename().string()) == 0;
    if (!entry && !is_temp_name(name)) {
      continue;
    }
    auto info = stat_file(item.path());
    if (!info) {
      continue;
    }
    if (entry) {
      out.entries.push_back(Entry{area, std::move(name), std::move(*info)});
    } else {
      out.temp_files.push_back(std::move(*info));
    }
  }
}

Checked corrupt(FileInfo file, std::string problem) {
  return Checked{Verdict::corrupt, std::move(problem), std::move(file), {}};
}

}  // namespace

std::string_view area_name(Area area) { return area == Area::cas ? "cas" : "ac"; }

bool is_entry_name(std::string_view name) { return is_lower_hex(name, 64); }

void require_entry_name(std::string_view name, std::string_view what) {
  if (!is_entry_name(name)) {
    throw Error("invalid " + std::string(what) + " '" + std::string(name) +
                "': expected 64 lowercase hexadecimal digits (a sha256)");
  }
}

fs::path entry_path(const fs::path& root, Area area, std::string_view name) {
  return root / area_name(area) / name.substr(0, 2) / name;
}

Scan scan(const fs::path& root) {
  Scan out;
  for (Area area : {Area::cas, Area::ac}) {
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(root / area_name(area), ec)) {
      std::string name = item.path().filename().string();
      if (is_shard_name(name)) {
        scan_shard(area, item.path(), out);
      } else if (is_temp_name(name)) {
        if (auto info = stat_file(item.path())) {
          out.temp_files.push_back(std::move(*info));
        }
      }
    }
  }
  return out;
}

Checked check_blob(const fs::path& path, std::string_view digest) {
  auto before = stat_file(path);
  if (!before) {
    return Checked{};
  }
  auto actual = hash_file(path, HashAlgorithm::sha256);
  if (!actual) {
    if (!stat_file(path)) {
      return Checked{};  // removed by another process meanwhile
    }
    throw Error(actual.error(), "check the permissions of the cache folder");
  }
  if (actual.value() != digest) {
    return corrupt(std::move(*before), "content hashes to " + actual.value());
  }
  return Checked{Verdict::valid, {}, std::move(*before), {}};
}

// The key names the action, not the content: what is checked is the digest recorded inside.
Checked check_action(const fs::path& path) {
  auto before = stat_file(path);
  if (!before) {
    return Checked{};
  }
  auto text = read_file(path);
  if (!text) {
    if (!stat_file(path)) {
      return Checked{};
    }
    throw Error(text.error(), "check the permissions of the cache folder");
  }
  Json doc = Json::parse(text.value(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("body") ||
      !doc.contains("sha256") || !doc["sha256"].is_string()) {
    return corrupt(std::move(*before), "not an action result (expected {\"body\":…,\"sha256\":…})");
  }
  std::string actual = sha256_hex(canonical_json(doc["body"]));
  const auto& recorded = doc["sha256"].get_ref<const std::string&>();
  if (actual != recorded) {
    return corrupt(std::move(*before), "content hashes to " + actual + ", recorded " + recorded);
  }
  return Checked{Verdict::valid, {}, std::move(*before), std::move(doc["body"])};
}

std::string encode_action(const Json& result) {
  return canonical_json(Json{{"body", result}, {"sha256", sha256_hex(canonical_json(result))}});
}

std::string remove_if_unchanged(const FileInfo& file) {
  auto now = stat_file(file.path);
  if (!now || now->dev != file.dev || now->ino != file.ino) {
    return {};
  }
  if (::unlink(file.path.c_str()) != 0 && errno != ENOENT) {
    return "cannot remove " + file.path.string() + ": " + std::strerror(errno);
  }
  return {};
}

void touch(const fs::path& path) {
  // Failure is harmless: the entry then simply looks older to gc than it is.
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
}

}  // namespace osbuild::store
