#include <gtest/gtest.h>
#include <sys/stat.h>

#include "image_test_util.h"
#include "osbuild/image/record.h"
#include "osbuild/image/tree.h"
#include "osbuild/util/fs.h"

namespace osbuild::image {
namespace {

namespace fs = std::filesystem;

using testing::TarEntry;
using testing::write_tar;

class TreeTest : public ::testing::Test {
 protected:
  TreeInput tar(const std::string& package, const std::vector<TarEntry>& entries) {
    fs::path path = m_dir.path() / (package + ".tar");
    write_tar(path, entries);
    return {package, path};
  }
  fs::path root() const { return m_dir.path() / "root"; }
  TempDir m_dir{"osbuild-tree-test"};
};

TEST_F(TreeTest, MergesPackagesSharingFolders) {
  auto a =
      tar("a", {{"usr", "", 'd', 0755}, {"usr/bin", "", 'd', 0755}, {"usr/bin/a", "A", 'f', 0755}});
  auto b = tar("b", {{"usr/", "", 'd', 0755}, {"./usr/bin/b", "BB"}, {"usr/bin/c", "a", 'l'}});
  auto summary = assemble_tree({a, b}, root(), 1700000000, "variants/dev/variant.toml");
  EXPECT_EQ(read_file_or_throw(root() / "usr/bin/a"), "A");
  EXPECT_EQ(read_file_or_throw(root() / "usr/bin/b"), "BB");
  EXPECT_EQ(fs::read_symlink(root() / "usr/bin/c"), "a");
  EXPECT_EQ(summary.file_bytes, 3u);
  struct stat st {};
  ASSERT_EQ(::stat((root() / "usr/bin/a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(st.st_mtim.tv_sec, 1600000000);  // older than the epoch: kept
  ASSERT_EQ(::stat((root() / "usr/bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1600000000);  // not the time of unpacking
}

TEST_F(TreeTest, ClampsNewerTimesToTheEpoch) {
  auto a = tar("a", {{"f", "x"}});
  assemble_tree({a}, root(), 1500000000, "v.toml");
  struct stat st {};
  ASSERT_EQ(::lstat((root() / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1500000000);
  if (::geteuid() == 0) {
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_EQ(st.st_gid, 0u);
  }
}

TEST_F(TreeTest, ConflictNamesBothPackages) {
  auto a = tar("agent", {{"usr/bin/tool", "1"}});
  auto b = tar("tools", {{"usr/bin/tool", "2"}});
  try {
    assemble_tree({a, b}, root(), 1700000000, "variants/dev/variant.toml");
    FAIL() << "no conflict reported";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "packages agent and tools both install /usr/bin/tool");
    EXPECT_NE(e.hint().find("variants/dev/variant.toml"), std::string::npos) << e.hint();
  }
}

TEST_F(TreeTest, FileOverFolderIsAConflict) {
  auto a = tar("a", {{"etc/x", "", 'd', 0755}});
  auto b = tar("b", {{"etc/x", "file"}});
  EXPECT_THROW(assemble_tree({a, b}, root(), 1700000000, "v.toml"), Error);
}

TEST_F(TreeTest, RefusesEntriesOutsideTheRoot) {
  auto a = tar("evil", {{"../escape", "x"}});
  EXPECT_THROW(assemble_tree({a}, root(), 1700000000, "v.toml"), Error);
}

TEST_F(TreeTest, OsReleaseOnlyWhenNoPackageProvidesIt) {
  auto a = tar("a", {{"usr/bin/a", "A"}});
  assemble_tree({a}, root(), 1700000000, "v.toml");
  EXPECT_TRUE(add_os_release(RootedTree(root()), "Hello OS", "1.4.0", 1700000000));
  std::string text = read_file_or_throw(root() / "usr/lib/os-release");
  EXPECT_NE(text.find("NAME=\"Hello OS\"\nID=hello-os\n"), std::string::npos) << text;
  EXPECT_NE(text.find("VERSION_ID=1.4.0\n"), std::string::npos) << text;
  EXPECT_EQ(fs::read_symlink(root() / "etc/os-release"), "../usr/lib/os-release");

  auto provided = tar("os-release", {{"usr/lib/os-release", "NAME=custom\n"}});
  assemble_tree({provided}, root(), 1700000000, "v.toml");
  EXPECT_FALSE(add_os_release(RootedTree(root()), "Hello OS", "1.4.0", 1700000000));
  EXPECT_EQ(read_file_or_throw(root() / "usr/lib/os-release"), "NAME=custom\n");
}

// Links a package installs are followed inside the root, never out of it: a later entry, the
// os-release the stage writes and the boot files all stay in the tree.
TEST_F(TreeTest, LinksOutOfTheRootLeadNowhereOnTheHost) {
  fs::path host = m_dir.path() / "host";
  fs::create_directories(host);
  auto evil = tar("evil", {{"usr", "", 'd', 0755}, {"usr/lib", host.string(), 'l'},
                           {"etc", "../../../" + host.filename().string(), 'l'},
                           {"boot", host.string(), 'l'}});
  auto later = tar("later", {{"usr/lib/libx.so", "x"}});
  try {
    assemble_tree({evil, later}, root(), 1700000000, "v.toml");
    FAIL() << "an entry went through the link";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/usr/lib is a link to " + host.string() +
                                         " (installed by package evil)"),
              std::string::npos)
        << e.what();
  }
  auto summary = assemble_tree({evil}, root(), 1700000000, "v.toml");
  RootedTree tree = rooted_tree(root(), summary);
  try {
    add_os_release(tree, "Hello OS", "1.4.0", 1700000000);
    FAIL() << "os-release went through the link";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("installed by package evil"), std::string::npos)
        << e.what();
  }
  fs::create_directories(host / "keep");  // a host folder with content that must stay there
  write_file_atomic(host / "keep/vmlinuz", "host file");
  EXPECT_TRUE(move_boot_files(tree, m_dir.path() / "bootpart").empty());
  EXPECT_EQ(read_file_or_throw(host / "keep/vmlinuz"), "host file");
  fs::remove_all(host / "keep");
  EXPECT_TRUE(fs::is_empty(host));
}

TEST_F(TreeTest, FilesTheStageWritesRefuseAPackagesCopy) {
  auto a = tar("agent", {{"etc/updog.toml", "mine"}});
  auto summary = assemble_tree({a}, root(), 1700000000, "v.toml");
  RootedTree tree = rooted_tree(root(), summary);
  add_files(tree, {{"usr/share/updog/root.json", "{}"}}, 1700000000);
  EXPECT_EQ(read_file_or_throw(root() / "usr/share/updog/root.json"), "{}");
  try {
    add_files(tree, {{"etc/updog.toml", "x"}}, 1700000000);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "package agent installs /etc/updog.toml, which the image stage writes "
                           "itself");
  }
}

TEST_F(TreeTest, BootFilesMoveToTheBootPartition) {
  auto k = tar("kernel", {{"boot/vmlinuz", "K"}, {"boot/initrd.img", "I"}, {"usr/lib/x", "x"}});
  assemble_tree({k}, root(), 1700000000, "v.toml");
  auto moved = move_boot_files(RootedTree(root()), m_dir.path() / "boot");
  EXPECT_EQ(moved, (std::vector<std::string>{"initrd.img", "vmlinuz"}));
  EXPECT_EQ(read_file_or_throw(m_dir.path() / "boot/vmlinuz"), "K");
  EXPECT_TRUE(fs::is_empty(root() / "boot"));
}

Json record_json() {
  auto pkg = [](const char* name, std::vector<std::string> requires_) {
    return Json{{"name", name},
                {"version", "1.0"},
                {"license", "MIT"},
                {"artifact", std::string(64, 'a')},
                {"manifest", std::string(64, 'b')},
                {"depends", Json::array()},
                {"requires", requires_},
                {"sources", Json::array()},
                {"git", Json::array()}};
  };
  return {{"variant", "dev"},
          {"arch", "x86_64"},
          {"source-date-epoch", 1700000000},
          {"os-name", "hello-os"},
          {"release-version", "1.4.0"},
          {"included-packages", {"agent"}},
          {"packages",
           {pkg("agent", {"libc", "zlib"}), pkg("zlib", {"libc"}), pkg("libc", {}),
            pkg("compiler", {})}}};
}

TEST(Record, RuntimeClosureFollowsRequires) {
  auto record = workspace::parse_variant_record(record_json(), "rec.json");
  std::vector<std::string> names;
  for (const auto* p : runtime_closure(record)) names.push_back(p->name);
  EXPECT_EQ(names, (std::vector<std::string>{"agent", "libc", "zlib"}));  // not the build-only one
}

TEST(Record, MissingRequirementIsNamed) {
  Json doc = record_json();
  doc["packages"][0]["requires"].push_back("ghost");
  auto record = workspace::parse_variant_record(doc, "rec.json");
  try {
    runtime_closure(record);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("package ghost (required by agent) was not built"),
              std::string::npos)
        << e.what();
  }
}

TEST(Record, MissingRecordSaysWhatToRun) {
  TempDir dir("osbuild-record-test");
  try {
    workspace::read_variant_record(dir.path(), Arch::x86_64, "dev");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "no build of variant dev for x86_64: run osbuild build variant dev --arch x86_64 "
                 "first");
  }
}

}  // namespace
}  // namespace osbuild::image
