#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "osbuild/util/arch.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"

using namespace osbuild;

TEST(Text, SuggestsNearTyposOnly) {
  std::vector<std::string> keys = {"version", "license", "depends", "requires"};
  EXPECT_EQ(nearest_match("versoin", keys), "version");
  EXPECT_EQ(nearest_match("require", keys), "requires");
  EXPECT_EQ(nearest_match("zzzzzz", keys), std::nullopt);
  EXPECT_EQ(did_you_mean("licence", keys), ", did you mean 'license'?");
  EXPECT_EQ(did_you_mean("x", keys), "");
}

TEST(Text, SplitJoinTrim) {
  EXPECT_EQ(split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
  EXPECT_EQ(trim("  x y \n"), "x y");
}

TEST(Arch, AliasesAndErrors) {
  EXPECT_EQ(parse_arch("amd64").value(), Arch::x86_64);
  EXPECT_EQ(parse_arch("arm64").value(), Arch::aarch64);
  EXPECT_EQ(parse_arch("AARCH64").value(), Arch::aarch64);
  EXPECT_EQ(parse_arch("sparc").error(),
            "unknown architecture 'sparc': expected x86_64 (alias amd64) or aarch64 (alias arm64)");
  EXPECT_EQ(gnu_triple(Arch::aarch64), "aarch64-linux-gnu");
}

TEST(Hash, KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha512_hex(""),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d"
            "2877eec2f63b931bd47417a81a538327af927da3e");
  EXPECT_TRUE(is_lower_hex("ab12", 4));
  EXPECT_FALSE(is_lower_hex("AB12", 4));
}

TEST(Fs, AtomicFileCommitsOrLeavesNothing) {
  TempDir dir;
  auto target = dir.path() / "state.json";
  {
    AtomicFile f(target);
    f.write("half");
    // destroyed without commit: neither the target nor the temporary file remain
  }
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  write_file_atomic(target, "whole");
  EXPECT_EQ(read_file(target).value(), "whole");
  EXPECT_EQ(hash_file(target, HashAlgorithm::sha256).value(), sha256_hex("whole"));
  auto missing = hash_file(dir.path() / "nope", HashAlgorithm::sha256);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("nope"), std::string::npos);
}

TEST(Fs, LockSaysWhoHoldsIt) {
  TempDir dir;
  auto path = dir.path() / "lock";
  auto first = FileLock::acquire(path, FileLock::Wait::no);
  ASSERT_TRUE(first);
  // flock locks belong to the open file description, so a second open in this process conflicts.
  auto second = FileLock::acquire(path, FileLock::Wait::no);
  EXPECT_FALSE(second);
  EXPECT_EQ(FileLock::holder(path).rfind("pid " + std::to_string(::getpid()), 0), 0U);
  first.reset();
  EXPECT_TRUE(FileLock::acquire(path, FileLock::Wait::no));
}
