// The erofs reader against mkfs.erofs's own output, at an offset inside a larger file as on a
// disk: small files (inline tails), a file of several blocks, nested folders, relative and
// absolute symlinks resolved inside the file system, and what is missing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "osbuild/image/erofs.h"
#include "osbuild/util/fs.h"

namespace osbuild::image {
namespace {

namespace fs = std::filesystem;

class ErofsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v mkfs.erofs >/dev/null") != 0) GTEST_SKIP() << "no mkfs.erofs";
    fs::path tree = m_dir.path() / "tree";
    fs::create_directories(tree / "usr/share/updog");
    fs::create_directories(tree / "etc");
    write_file_atomic(tree / "usr/share/updog/image.json", "{\"variant\":\"dev\"}\n");
    m_big.resize(3 * 4096 + 123);
    for (std::size_t i = 0; i < m_big.size(); ++i) m_big[i] = static_cast<char>('a' + i % 26);
    write_file_atomic(tree / "usr/share/updog/root.json", m_big);
    fs::create_symlink("../usr/share/updog", tree / "etc/updog");
    fs::create_symlink("/usr/share/updog/image.json", tree / "etc/identity");
    fs::create_symlink("loop", tree / "etc/loop");
    for (int i = 0; i < 300; ++i) write_file_atomic(tree / "etc" / ("f" + std::to_string(i)), "x");
    fs::path fsimg = m_dir.path() / "root.erofs";
    std::string cmd = "mkfs.erofs --quiet --all-root " + fsimg.string() + " " + tree.string();
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    // At byte 1 MiB of a disk, as a partition is.
    std::string bytes = read_file_or_throw(fsimg);
    m_disk = m_dir.path() / "disk.img";
    Fd out(::open(m_disk.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    ASSERT_EQ(::pwrite(out.fd, bytes.data(), bytes.size(), 1 << 20), static_cast<ssize_t>(bytes.size()));
  }

  Result<std::string> read(const char* path) {
    Fd fd(::open(m_disk.c_str(), O_RDONLY));
    return erofs_read_file(fd.fd, 1 << 20, path, "the test root");
  }

  TempDir m_dir;
  fs::path m_disk;
  std::string m_big;
};

TEST_F(ErofsTest, ReadsSmallAndLargeFiles) {
  EXPECT_EQ(read("usr/share/updog/image.json").value_or_throw("read"), "{\"variant\":\"dev\"}\n");
  EXPECT_EQ(read("/usr/share/updog/root.json").value_or_throw("read"), m_big);
  EXPECT_EQ(read("etc/f299").value_or_throw("read"), "x");  // a folder of several blocks
}

TEST_F(ErofsTest, FollowsLinksInsideTheFileSystem) {
  EXPECT_EQ(read("etc/updog/image.json").value_or_throw("read"), "{\"variant\":\"dev\"}\n");
  EXPECT_EQ(read("etc/identity").value_or_throw("read"), "{\"variant\":\"dev\"}\n");
  EXPECT_EQ(read("../../usr/share/updog/image.json").value_or_throw("read"), "{\"variant\":\"dev\"}\n");
}

TEST_F(ErofsTest, SaysWhatIsMissing) {
  auto missing = read("usr/share/updog/none.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("no /usr/share/updog/none.json in the test root"), std::string::npos);
  EXPECT_FALSE(read("etc/loop").ok());
  EXPECT_FALSE(read("usr/share").ok());  // a folder, not a file
  Fd fd(::open(m_disk.c_str(), O_RDONLY));
  EXPECT_FALSE(erofs_read_file(fd.fd, 0, "etc/f1", "zeros").ok());
}

}  // namespace
}  // namespace osbuild::image
