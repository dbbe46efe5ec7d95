// Target files into targets/: stored once under their content address, an update image reflinked
// where the file system allows and never hard-linked, a disk image compressed by lz4 without a dense copy, and no
// temporary file left behind whatever happens.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakes/fake_process.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "repo/writer.h"

using namespace osbuild;
using namespace osbuild::repo;
using detail::Placed;

namespace {

struct Folder {
  TempDir tmp{"osbuild-repo-targets"};
  fs::path images = tmp.path() / "images";
  fs::path targets = tmp.path() / "targets";
  Folder() {
    fs::create_directories(images);
    fs::create_directories(targets);
  }
  // A file above the 1 MiB below which targets are hashed in memory.
  fs::path image(const std::string& name, char fill) {
    write_file_atomic(images / name, std::string((2u << 20) + 7, fill));
    return images / name;
  }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(targets)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
};

ino_t inode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

}  // namespace

TEST(RepoTargets, UpdateImageIsReflinkedOrCopiedNeverLinked) {
  Folder f;
  fs::path boot = f.image("os-boot.ext4.lz4", 'b');
  std::string bytes = read_file_or_throw(boot);
  auto stored = detail::store_target(f.targets, "os-boot.ext4.lz4", boot, Layout::consistent);
  std::string sha = hash_file(boot, HashAlgorithm::sha256).value_or_throw();
  EXPECT_EQ(stored.file.hashes.at("sha256"), sha);
  EXPECT_EQ(stored.file.length, bytes.size());
  fs::path target = f.targets / (sha + ".os-boot.ext4.lz4");
  EXPECT_EQ(f.listing(), std::vector<std::string>{target.filename()});
  EXPECT_TRUE(stored.placed == Placed::cloned || stored.placed == Placed::copied);
  EXPECT_NE(inode(target), inode(boot));
  // The image rewritten in place (a script, `cp` over it): the published target keeps its bytes.
  {
    Fd out{::open(boot.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC)};
    ASSERT_GE(out.fd, 0);
    ASSERT_EQ(::write(out.fd, "new", 3), 3);
  }
  EXPECT_EQ(read_file_or_throw(target), bytes);
}

TEST(RepoTargets, PresentTargetIsNotRewritten) {
  Folder f;
  fs::path root = f.image("os-root.erofs.lz4", 'r');
  auto first = detail::store_target(f.targets, "os-root.erofs.lz4", root, Layout::consistent);
  fs::path target = f.targets / (first.file.hashes.at("sha256") + ".os-root.erofs.lz4");
  auto before = fs::last_write_time(target);
  ino_t ino = inode(target);
  // The image folder made again (a new file, same bytes): the target stays as it is.
  fs::remove(root);
  root = f.image("os-root.erofs.lz4", 'r');
  auto second = detail::store_target(f.targets, "os-root.erofs.lz4", root, Layout::consistent);
  EXPECT_EQ(second.placed, Placed::present);
  EXPECT_FALSE(second.added());
  EXPECT_EQ(second.file.hashes, first.file.hashes);
  EXPECT_EQ(inode(target), ino);
  EXPECT_EQ(fs::last_write_time(target), before);
  EXPECT_EQ(f.listing().size(), 1u);  // the temporary file is gone
}

TEST(RepoTargets, PlainLayoutReplacesTheName) {
  Folder f;
  detail::store_target(f.targets, "os.lz4", f.image("a", 'a'), Layout::plain);
  auto stored = detail::store_target(f.targets, "os.lz4", f.image("b", 'b'), Layout::plain);
  EXPECT_TRUE(stored.added());
  EXPECT_EQ(f.listing(), std::vector<std::string>{"os.lz4"});
  EXPECT_EQ(read_file_or_throw(f.targets / "os.lz4"), read_file_or_throw(f.images / "b"));
}

TEST(RepoTargets, DiskImageIsCompressedByLz4IntoTargets) {
  Folder f;
  fs::path disk = f.images / "os.img";
  write_file_atomic(disk, "raw disk");
  fakes::FakeRunner runner;
  // lz4 writes the frame to the file named last, a temporary file beside the target.
  auto lz4 = [](const process::Command& c) { write_file_atomic(c.argv.back(), "lz4 frame"); };
  runner.on("lz4 ", {}, lz4);
  auto stored = detail::store_target_lz4(f.targets, "os.img.lz4", disk, Layout::consistent, runner);
  auto commands = runner.commands();
  ASSERT_EQ(commands.size(), 1u);
  const auto& argv = commands[0].argv;
  ASSERT_EQ(argv.size(), 5u);
  EXPECT_EQ(std::vector<std::string>(argv.begin(), argv.begin() + 4),
            (std::vector<std::string>{"lz4", "-q", "-f", disk.string()}));
  EXPECT_EQ(fs::path(argv[4]).parent_path(), f.targets);
  EXPECT_EQ(stored.placed, Placed::compressed);
  EXPECT_EQ(stored.file.hashes.at("sha256"), sha256_hex("lz4 frame"));
  EXPECT_EQ(f.listing(), std::vector<std::string>{sha256_hex("lz4 frame") + ".os.img.lz4"});
  // The same frame again: nothing added, the temporary file removed.
  auto again = detail::store_target_lz4(f.targets, "os.img.lz4", disk, Layout::consistent, runner);
  EXPECT_EQ(again.placed, Placed::present);
  EXPECT_EQ(f.listing().size(), 1u);
}

TEST(RepoTargets, MissingLz4SaysHowToInstallIt) {
  Folder f;
  fakes::FakeRunner runner;
  process::Result missing;
  missing.exit_code = 127;
  missing.out = "lz4: No such file or directory";
  runner.on("lz4 ", missing);
  try {
    detail::store_target_lz4(f.targets, "os.img.lz4", f.images / "os.img", Layout::consistent,
                             runner);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lz4 of " + (f.images / "os.img").string()),
              std::string::npos)
        << e.what();
    EXPECT_NE(e.hint().find("apt-get install lz4"), std::string::npos) << e.hint();
  }
  EXPECT_TRUE(f.listing().empty());
}
