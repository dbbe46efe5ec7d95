// The unpacker: top-folder stripping, and every kind of entry that would escape the work dir.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "osbuild/util/archive.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

namespace osbuild::archives {
namespace {

struct Entry {
  Entry(std::string p, unsigned t, std::string d = {}, std::string l = {})
      : path(std::move(p)), type(t), data(std::move(d)), link(std::move(l)) {}
  std::string path;
  unsigned type = AE_IFREG;
  std::string data;
  std::string link;  // symlink target or hard link name
};

void write_tar(const fs::path& file, const std::vector<Entry>& entries) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                            archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  archive_write_add_filter_gzip(a.get());
  ASSERT_EQ(archive_write_open_filename(a.get(), file.c_str()), ARCHIVE_OK);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_perm(entry, e.type == AE_IFDIR ? 0755 : 0644);
    if (e.type == AE_IFREG && !e.link.empty()) {
      archive_entry_set_hardlink(entry, e.link.c_str());
    } else {
      archive_entry_set_filetype(entry, e.type);
    }
    if (e.type == AE_IFLNK) {
      archive_entry_set_symlink(entry, e.link.c_str());
    }
    archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
    archive_write_header(a.get(), entry);
    archive_write_data(a.get(), e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  archive_write_close(a.get());
}

std::string unpack_error(const fs::path& tar, const fs::path& dest) {
  try {
    unpack_archive(tar, dest, StripTop::yes, Links::confine, "src.tar.gz");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

class UnpackTest : public ::testing::Test {
protected:
  fs::path tar() const { return m_dir.path() / "src.tar.gz"; }
  fs::path dest() const { return m_dir.path() / "work"; }
  TempDir m_dir;
};

TEST_F(UnpackTest, StripsTheSingleTopFolder) {
  write_tar(tar(), {{"pkg-1.0/", AE_IFDIR}, {"pkg-1.0/a.c", AE_IFREG, "int a;"},
                    {"pkg-1.0/sub/b.h", AE_IFREG, "b"}, {"pkg-1.0/l", AE_IFLNK, "", "sub/b.h"}});
  unpack_archive(tar(), dest(), StripTop::yes);
  EXPECT_EQ(read_file(dest() / "a.c").value(), "int a;");
  EXPECT_EQ(read_file(dest() / "sub/b.h").value(), "b");
  EXPECT_EQ(fs::read_symlink(dest() / "l"), "sub/b.h");
}

TEST_F(UnpackTest, KeepsEverythingWithoutACommonTop) {
  write_tar(tar(), {{"a/x", AE_IFREG, "x"}, {"b/y", AE_IFREG, "y"}});
  unpack_archive(tar(), dest(), StripTop::yes);
  EXPECT_TRUE(fs::exists(dest() / "a/x"));
  EXPECT_TRUE(fs::exists(dest() / "b/y"));
}

TEST_F(UnpackTest, RefusesDotDot) {
  write_tar(tar(), {{"top/../../evil", AE_IFREG, "x"}});
  EXPECT_EQ(unpack_error(tar(), dest()),
            "archive src.tar.gz: entry 'top/../../evil' escapes the work dir through '..'");
  EXPECT_FALSE(fs::exists(m_dir.path() / "evil"));
}

TEST_F(UnpackTest, RefusesAbsolutePaths) {
  write_tar(tar(), {{"/abs/evil", AE_IFREG, "x"}});
  EXPECT_EQ(unpack_error(tar(), dest()),
            "archive src.tar.gz: entry '/abs/evil' is an absolute path");
}

TEST_F(UnpackTest, RefusesSymlinksOutside) {
  write_tar(tar(), {{"top/ok", AE_IFREG, "x"}, {"top/l", AE_IFLNK, "", "../../etc"}});
  EXPECT_EQ(unpack_error(tar(), dest()),
            "archive src.tar.gz: entry 'top/l' is a symlink to '../../etc' outside the work dir");
  write_tar(tar(), {{"top/ok", AE_IFREG, "x"}, {"top/l", AE_IFLNK, "", "/etc/passwd"}});
  EXPECT_EQ(unpack_error(tar(), dest()),
            "archive src.tar.gz: entry 'top/l' is a symlink to '/etc/passwd' outside the work dir");
}

// Found by tests/fuzz/fuzz_unpack (corpus/unpack/crash-*): "dot" -> "." passed, and so did
// "esc" -> "dot/..", which counted as staying at the top but resolves to the folder above it.
TEST_F(UnpackTest, RefusesSymlinksClimbingOutThroughAnotherSymlink) {
  write_tar(tar(), {{"top/dot", AE_IFLNK, "", "."}, {"top/esc", AE_IFLNK, "", "dot/.."}});
  EXPECT_EQ(unpack_error(tar(), dest()),
            "archive src.tar.gz: entry 'top/esc' is a symlink to 'dot/..' outside the work dir");
  EXPECT_FALSE(fs::is_symlink(dest() / "esc"));
  write_tar(tar(), {{"top/sub/up", AE_IFLNK, "", "../a.c"}, {"top/a.c", AE_IFREG, "int a;"}});
  unpack_archive(tar(), dest(), StripTop::yes);
  EXPECT_EQ(fs::read_symlink(dest() / "sub/up"), "../a.c");
}

// Found by tests/fuzz/fuzz_unpack (corpus/unpack/crash-1060a43c…): a truncated zip for which
// libarchive gives no message made fmt throw std::format_error instead of osbuild::Error.
TEST_F(UnpackTest, TruncatedZipIsAnErrorNamingTheArchive) {
  std::string hex =
      "504b0304140000000000007461504b030414000000000000006e570000000000000000000000000800000070"
      "276b672f6469722f504b030414000000000000006e57f9efbe71010000000100000009000000706b04140000"
      "00000000006e57f9efbe71010000000100000009002f6257f9ef06000000240003000300a400000076000000"
      "0000";
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  write_file_atomic(tar(), bytes);
  try {
    unpack_archive(tar(), dest(), StripTop::no, Links::confine, "src.zip");
    FAIL() << "a truncated zip unpacked";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_TRUE(what.find("src.zip") != std::string::npos ||
                what.find(tar().string()) != std::string::npos)
        << what;
  }
}

TEST_F(UnpackTest, KeepsAbsoluteSymlinksOfArtifacts) {
  write_tar(tar(), {{"etc/l", AE_IFLNK, "", "/usr/lib/os-release"}});
  unpack_archive(tar(), dest(), StripTop::no, Links::keep);
  EXPECT_EQ(fs::read_symlink(dest() / "etc/l"), "/usr/lib/os-release");
}

TEST_F(UnpackTest, RefusesHardLinksOutside) {
  write_tar(tar(), {{"top/ok", AE_IFREG, "x"}, {"top/h", AE_IFREG, "", "../etc/passwd"}});
  EXPECT_EQ(unpack_error(tar(), dest()),
            "archive src.tar.gz: entry 'top/h' is a hard link to '../etc/passwd' outside the work dir");
}

TEST_F(UnpackTest, RefusesDeviceNodes) {
  write_tar(tar(), {{"top/ok", AE_IFREG, "x"}, {"top/null", AE_IFCHR}});
  EXPECT_EQ(unpack_error(tar(), dest()),
            "archive src.tar.gz: entry 'top/null' is a device node or fifo");
}

TEST_F(UnpackTest, RecognisesArchiveNames) {
  for (const char* name : {"a.tar", "a.tar.gz", "a.tgz", "a.tar.bz2", "a.tar.xz", "a.tar.zst",
                           "a.zip"}) {
    EXPECT_TRUE(is_archive_name(name)) << name;
  }
  EXPECT_FALSE(is_archive_name("a.patch"));
  EXPECT_FALSE(is_archive_name("a.gz"));
}

TEST_F(UnpackTest, ArtifactTarIsDeterministic) {
  fs::path tree = m_dir.path() / "tree";
  fs::create_directories(tree / "usr/bin");
  write_file_atomic(tree / "usr/bin/tool", "#!/bin/sh\n", Durability::cache);
  fs::permissions(tree / "usr/bin/tool", fs::perms(0755));
  fs::create_symlink("tool", tree / "usr/bin/alias");
  Json first = write_tree_tar(tree, m_dir.path() / "a.tar", 1000);
  fs::last_write_time(tree / "usr/bin/tool", fs::file_time_type::clock::now());
  Json second = write_tree_tar(tree, m_dir.path() / "b.tar", 1000);
  EXPECT_EQ(first, second);
  EXPECT_EQ(read_file(m_dir.path() / "a.tar").value(), read_file(m_dir.path() / "b.tar").value());
  ASSERT_EQ(first.size(), 4u);  // usr, usr/bin, usr/bin/alias, usr/bin/tool
  EXPECT_EQ(first[2]["type"], "symlink");
  EXPECT_EQ(first[2]["target"], "tool");
  EXPECT_EQ(first[3]["mode"], "0755");
  EXPECT_EQ(first[3]["sha256"].get<std::string>().size(), 64u);
  fs::path back = m_dir.path() / "back";
  unpack_archive(m_dir.path() / "a.tar", back, StripTop::no, Links::keep);
  EXPECT_EQ(read_file(back / "usr/bin/tool").value(), "#!/bin/sh\n");
  EXPECT_EQ(fs::read_symlink(back / "usr/bin/alias"), "tool");
}

}  // namespace
}  // namespace osbuild::archives
