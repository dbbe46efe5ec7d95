// One compressed file read as a stream: libarchive's filters with its "raw" format, which hands
// the decompressed bytes of a single-member input as one entry.
#include <archive.h>
#include <fmt/format.h>

#include <memory>

#include "osbuild/util/archive.h"
#include "osbuild/util/error.h"

namespace osbuild::archives {

void decompress_stream(const fs::path& file,
                       const std::function<void(std::uint64_t offset, std::string_view data)>& sink,
                       std::string_view what) {
  std::string name = what.empty() ? file.string() : std::string(what);
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  auto fail = [&](const std::string& doing) {
    const char* why = archive_error_string(a.get());
    return Error(fmt::format("cannot {} {}: {}", doing, name, why != nullptr ? why : "damaged data"));
  };
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 20) != ARCHIVE_OK) throw fail("open");
  archive_entry* entry = nullptr;
  if (archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) throw fail("decompress");
  if (archive_filter_count(a.get()) < 2) {
    throw Error(fmt::format("{} is not compressed", name),
                "give the .lz4 (or .gz, .xz, .zst) file that was published");
  }
  const void* buffer = nullptr;
  std::size_t size = 0;
  la_int64_t offset = 0;
  std::uint64_t expected = 0;
  for (;;) {
    int r = archive_read_data_block(a.get(), &buffer, &size, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) throw fail("decompress");
    if (static_cast<std::uint64_t>(offset) != expected) {
      throw Error(fmt::format("cannot decompress {}: a piece at byte {} where {} was due", name,
                              offset, expected));
    }
    sink(expected, std::string_view(static_cast<const char*>(buffer), size));
    expected += size;
  }
}

}  // namespace osbuild::archives
