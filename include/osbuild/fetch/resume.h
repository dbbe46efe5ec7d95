#pragma once
// Bookkeeping for interrupted downloads: a partial file in <cache>/tmp/fetch/ and a small JSON
// record beside it naming the URL and validators it came from, so the next run can send a Range.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace osbuild::fetch {

struct PartialRecord {
  std::string url;
  std::string etag;           // empty when the server sent none
  std::string last_modified;  // empty when the server sent none
};

std::string format_partial_record(const PartialRecord& record);
// nullopt when the text is not a record (a torn or foreign file: start over).
std::optional<PartialRecord> parse_partial_record(std::string_view text);

// Where to start a transfer of `url` given what is on disk.
struct ResumePlan {
  std::uint64_t offset = 0;  // bytes already there; 0 means start over (truncate)
  std::string if_range;      // validator to send with If-Range, may be empty
};
ResumePlan plan_resume(const std::optional<PartialRecord>& record, std::string_view url,
                       std::uint64_t partial_size);

// What to do with the body of a response to a request that started at `offset`.
enum class BodyAction { append, restart, discard };
BodyAction body_action(std::string_view scheme, long http_status, std::uint64_t offset);

}  // namespace osbuild::fetch
