// The archive unpacker on hostile archives (tar in every compression, zip, and whatever else
// libarchive recognises). The first byte holds flags: bit 0 strips the top folder, bit 1 keeps
// symlinks as they are (Links::keep, for osbuild's own artifacts); the rest is the archive. Each
// input unpacks into a fresh temporary folder that is removed afterwards. Whether or not the
// unpacker refuses the archive, what it left behind must stay inside the work dir: nothing beside
// it, no device node or fifo, no hard link to a file outside, and (unless symlinks are kept) no
// symlink that resolves outside.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "fuzz_common.h"
#include "osbuild/util/archive.h"

using namespace osbuild;
namespace fs = std::filesystem;

namespace {

bool inside(const fs::path& path, const fs::path& root) {
  auto rel = path.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

// Directories unpacked without permissions would stop the clean-up of an unprivileged run.
void make_removable(const fs::path& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) make_removable(it->path());
  }
}

void check_tree(const fs::path& work, const fs::path& dest, archives::Links links) {
  for (const auto& entry : fs::directory_iterator(work)) {
    auto name = entry.path().filename();
    fuzz::check(name == "archive" || name == "dest", "an entry escaped beside the work dir",
                entry.path().string());
  }
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dest, ec))) return;
  fs::path root = fs::canonical(dest);
  std::map<ino_t, nlink_t> links_inside;
  std::map<ino_t, nlink_t> links_total;
  for (auto it = fs::recursive_directory_iterator(dest); it != fs::recursive_directory_iterator();
       ++it) {
    struct stat st {};
    fuzz::check(::lstat(it->path().c_str(), &st) == 0, "lstat failed", it->path().string());
    fuzz::check(!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode) && !S_ISFIFO(st.st_mode) &&
                    !S_ISSOCK(st.st_mode),
                "a device node, fifo or socket was unpacked", it->path().string());
    if (S_ISREG(st.st_mode)) {
      ++links_inside[st.st_ino];
      links_total[st.st_ino] = st.st_nlink;
    }
    if (S_ISLNK(st.st_mode) && links == archives::Links::confine) {
      std::error_code loop;
      fs::path target = fs::weakly_canonical(it->path(), loop);
      if (!loop) {
        fuzz::check(inside(target, root) || target == root,
                    "a symlink resolves outside the work dir",
                    it->path().string() + " -> " + target.string());
      }
    }
  }
  for (const auto& [ino, count] : links_inside) {
    fuzz::check(links_total[ino] <= count, "a hard link to a file outside the work dir");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto strip = (data[0] & 1) != 0 ? archives::StripTop::yes : archives::StripTop::no;
  auto links = (data[0] & 2) != 0 ? archives::Links::keep : archives::Links::confine;
  std::string tmpl = (fs::temp_directory_path() / "osbuild-fuzz-unpack-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) fuzz::fail("mkdtemp failed", tmpl);
  fs::path work = tmpl;
  fs::path archive = work / "archive";
  std::ofstream(archive, std::ios::binary)
      .write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  fuzz::errors_only(
      [&] { archives::unpack_archive(archive, work / "dest", strip, links, "fuzz.tar"); });
  make_removable(work);  // folders unpacked without permissions are still walked
  check_tree(work, work / "dest", links);
  std::error_code ec;
  fs::remove_all(work, ec);
  if (ec) fuzz::fail("cannot remove the work dir", work.string());
  return 0;
}
