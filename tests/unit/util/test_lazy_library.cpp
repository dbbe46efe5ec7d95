// The lazy binding's error paths: a library that cannot be loaded, or lacks a symbol, is an Error
// that names it and says how to install it, never a crash at the first call.
#include <gtest/gtest.h>

#include <string>

#include "util/lazy_library.h"

namespace {

TEST(LazyLibrary, MissingLibraryNamesItAndTheFix) {
  osbuild::lazy::Library lib("libosbuild-absent.so.9", "install it: apt-get install absent9");
  try {
    osbuild::lazy::find(lib, "absent_init");
    FAIL() << "loading a missing library did not throw";
  } catch (const osbuild::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load libosbuild-absent.so.9"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.hint(), "install it: apt-get install absent9");
  }
  // Asked again, it fails the same way (the load is tried once).
  EXPECT_THROW(osbuild::lazy::find(lib, "absent_init"), osbuild::Error);
}

TEST(LazyLibrary, MissingSymbolNamesTheLibraryAndTheSymbol) {
  osbuild::lazy::Library lib("libc.so.6", "install libc6");
  EXPECT_NE(osbuild::lazy::find(lib, "strlen"), nullptr);
  try {
    osbuild::lazy::find(lib, "osbuild_no_such_function");
    FAIL() << "a missing symbol did not throw";
  } catch (const osbuild::Error& e) {
    EXPECT_NE(std::string(e.what()).find("libc.so.6 has no osbuild_no_such_function"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(e.hint(), "install libc6");
  }
}

}  // namespace
