#include <gtest/gtest.h>
#include <sys/stat.h>

#include "osbuild/image/rooted.h"
#include "osbuild/image/updog.h"
#include "osbuild/util/fs.h"

namespace osbuild::image {
namespace {

namespace fs = std::filesystem;

class RootedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root());
    fs::create_directories(host());
  }
  fs::path root() const { return m_dir.path() / "root"; }
  fs::path host() const { return m_dir.path() / "host"; }  // a folder outside the tree
  bool host_empty() const { return fs::is_empty(host()); }
  TempDir m_dir{"osbuild-rooted-test"};
};

TEST_F(RootedTest, WritesFoldersFilesAndLinksInsideTheRoot) {
  RootedTree tree(root());
  tree.make_dirs("usr/share/x", 0755);
  tree.write_file("usr/share/x/f", "data", 0640);
  tree.make_symlink("usr/share/x/l", "f");
  tree.make_hard_link("usr/share/x/f", "usr/share/x/h");
  EXPECT_EQ(read_file_or_throw(root() / "usr/share/x/f"), "data");
  EXPECT_EQ(read_file_or_throw(root() / "usr/share/x/h"), "data");
  EXPECT_EQ(fs::read_symlink(root() / "usr/share/x/l"), "f");
  struct stat st {};
  ASSERT_EQ(::stat((root() / "usr/share/x/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_TRUE(tree.make_dir("tmp", 01777));
  EXPECT_FALSE(tree.make_dir("tmp", 01777));
  ASSERT_EQ(::stat((root() / "tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  EXPECT_TRUE(tree.exists("usr/share/x/l"));
  EXPECT_FALSE(tree.exists("usr/share/y"));
}

// An absolute link is read as if the tree were '/': it leads to a folder inside the tree, or the
// write is refused naming the link and its package; the host folder it names stays empty.
TEST_F(RootedTest, AbsoluteLinkOutOfTheTreeNeverReachesTheHost) {
  fs::create_directories(root() / "usr");
  fs::create_directory_symlink(host(), root() / "usr/lib");
  RootedTree tree(root(), [](const std::string& path) {
    return path == "/usr/lib" ? std::string("evil") : std::string();
  });
  try {
    tree.make_dirs("usr/lib/sub", 0755);
    FAIL() << "a dangling link was followed";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("/usr/lib is a link to " + host().string()), std::string::npos) << what;
    EXPECT_NE(what.find("installed by package evil"), std::string::npos) << what;
    EXPECT_NE(std::string(e.hint()).find("package evil"), std::string::npos) << e.hint();
  }
  EXPECT_THROW(tree.write_file("usr/lib/os-release", "x", 0644), Error);
  EXPECT_THROW(tree.create_file("usr/lib/f", 0644), Error);
  EXPECT_THROW(tree.make_symlink("usr/lib/l", "/etc/passwd"), Error);
  EXPECT_FALSE(tree.exists("usr/lib/os-release"));
  EXPECT_TRUE(host_empty());

  // The same link once the tree holds that path: the write lands inside the tree.
  fs::create_directories(root() / host().relative_path());
  tree.write_file("usr/lib/os-release", "inside", 0644);
  EXPECT_EQ(read_file_or_throw(root() / host().relative_path() / "os-release"), "inside");
  EXPECT_TRUE(host_empty());
}

TEST_F(RootedTest, DotDotChainsStopAtTheRoot) {
  RootedTree tree(root());
  tree.make_dirs("a/b", 0755);
  // '..' above the root stays at the root, in a path and in a link.
  tree.make_dirs("a/../../../../made", 0755);
  EXPECT_TRUE(fs::is_directory(root() / "made"));
  fs::create_directory_symlink("../../../../../../../host", root() / "a/b/up");
  fs::create_directory_symlink("../../../../../../..", root() / "a/top");
  tree.write_file("a/top/at-root", "r", 0644);
  EXPECT_EQ(read_file_or_throw(root() / "at-root"), "r");
  EXPECT_THROW(tree.write_file("a/b/up/f", "x", 0644), Error);  // /host is not in the tree
  EXPECT_THROW(tree.make_dirs("a/b/up/deeper", 0755), Error);
  EXPECT_TRUE(host_empty());
  EXPECT_FALSE(fs::exists(m_dir.path() / "at-root"));
  EXPECT_FALSE(fs::exists(m_dir.path() / "made"));
}

TEST_F(RootedTest, LinkLoopIsRefusedNamingTheLink) {
  fs::create_symlink("loop2", root() / "loop1");
  fs::create_symlink("loop1", root() / "loop2");
  RootedTree tree(root());
  try {
    tree.write_file("loop1/f", "x", 0644);
    FAIL() << "a loop was followed";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("/loop1 is a link to loop2"), std::string::npos) << what;
    EXPECT_NE(what.find("loop"), std::string::npos) << what;
  }
  EXPECT_THROW(tree.make_dirs("loop2/x", 0755), Error);
  EXPECT_FALSE(tree.is_directory("loop1"));
  EXPECT_TRUE(host_empty());
}

TEST_F(RootedTest, ReplacingAFileDoesNotFollowALinkInItsPlace) {
  fs::create_symlink(host() / "target", root() / "f");
  RootedTree tree(root());
  tree.write_file("f", "new", 0644);
  EXPECT_FALSE(fs::is_symlink(root() / "f"));
  EXPECT_EQ(read_file_or_throw(root() / "f"), "new");
  EXPECT_TRUE(host_empty());
}

TEST(Updog, TomlNamesTheRepositoryOfTheVariantAndArch) {
  UpdateIdentity id{"hello-os", "dev", Arch::aarch64, "1.4.0",
                    {"default", "{}", "https://updates.example.test/meta/", "https://t.test/x"}};
  EXPECT_EQ(updog_toml(id),
            "metadata_base_url = \"https://updates.example.test/meta/dev/aarch64/\"\n"
            "targets_base_url = \"https://t.test/x/\"\n"
            "version_lock = \"latest\"\nignore_waves = false\n");
  id.repo.metadata_base_url.clear();
  id.repo.targets_url.clear();
  EXPECT_EQ(updog_toml(id), "version_lock = \"latest\"\nignore_waves = false\n");
  EXPECT_EQ(image_identity_json(id),
            "{\"name\":\"hello-os\",\"variant\":\"dev\",\"arch\":\"aarch64\",\"version\":\"1.4.0\","
            "\"repo\":\"default\"}\n");
  auto files = update_files(id);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[2], (std::pair<std::string, std::string>{"usr/share/updog/root.json", "{}"}));
}

}  // namespace
}  // namespace osbuild::image
