// decompress_stream: an lz4 frame written by the lz4 program comes back byte for byte, in order;
// a damaged or uncompressed file is refused naming it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "osbuild/util/archive.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"

namespace osbuild::archives {
namespace {

std::string sample(std::size_t size) {
  std::string data(size, '\0');
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < size; ++i) {
    x = x * 1103515245 + 12345;
    // Runs of zeros (as in a file system image) between pseudo-random bytes.
    data[i] = (i / 65536) % 3 == 0 ? '\0' : static_cast<char>(x >> 24);
  }
  return data;
}

std::string decompress(const fs::path& file) {
  std::string out;
  decompress_stream(file, [&](std::uint64_t at, std::string_view piece) {
    EXPECT_EQ(at, out.size());
    out.append(piece);
  });
  return out;
}

TEST(DecompressStream, ReadsWhatLz4Wrote) {
  TempDir dir;
  std::string data = sample(3 * 1024 * 1024 + 17);
  write_file_atomic(dir.path() / "raw", data);
  std::string cmd = "lz4 -q -9 " + (dir.path() / "raw").string() + " " + (dir.path() / "raw.lz4").string();
  if (std::system(("command -v lz4 >/dev/null && " + cmd).c_str()) != 0) {
    GTEST_SKIP() << "no lz4 program";
  }
  EXPECT_EQ(decompress(dir.path() / "raw.lz4"), data);
}

TEST(DecompressStream, RefusesDamagedAndPlainFiles) {
  TempDir dir;
  write_file_atomic(dir.path() / "raw", sample(200000));
  std::string cmd = "lz4 -q " + (dir.path() / "raw").string() + " " + (dir.path() / "raw.lz4").string();
  if (std::system(("command -v lz4 >/dev/null && " + cmd).c_str()) != 0) {
    GTEST_SKIP() << "no lz4 program";
  }
  std::string packed = read_file_or_throw(dir.path() / "raw.lz4");
  write_file_atomic(dir.path() / "cut.lz4", packed.substr(0, packed.size() / 2));
  EXPECT_THROW(decompress(dir.path() / "cut.lz4"), Error);
  try {
    decompress(dir.path() / "raw");
    FAIL() << "an uncompressed file was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not compressed"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace osbuild::archives
