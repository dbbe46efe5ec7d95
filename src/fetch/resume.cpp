#include "osbuild/fetch/resume.h"

#include "osbuild/util/json.h"

namespace osbuild::fetch {

std::string format_partial_record(const PartialRecord& record) {
  Json json = {{"url", record.url}, {"etag", record.etag}, {"last-modified", record.last_modified}};
  return json.dump() + "\n";
}

std::optional<PartialRecord> parse_partial_record(std::string_view text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("url") || !json["url"].is_string()) {
    return std::nullopt;
  }
  PartialRecord record;
  record.url = json["url"].get<std::string>();
  if (json.contains("etag") && json["etag"].is_string()) {
    record.etag = json["etag"].get<std::string>();
  }
  if (json.contains("last-modified") && json["last-modified"].is_string()) {
    record.last_modified = json["last-modified"].get<std::string>();
  }
  return record;
}

ResumePlan plan_resume(const std::optional<PartialRecord>& record, std::string_view url,
                       std::uint64_t partial_size) {
  if (!record || record->url != url || partial_size == 0) {
    return {};
  }
  // A weak ETag may not be used with If-Range (RFC 9110 §13.1.5); Last-Modified may.
  std::string validator = record->etag.starts_with("W/") ? std::string() : record->etag;
  if (validator.empty()) {
    validator = record->last_modified;
  }
  return {partial_size, validator};
}

BodyAction body_action(std::string_view scheme, long http_status, std::uint64_t offset) {
  if (scheme == "file") {
    return BodyAction::append;  // curl applied the range itself
  }
  if (http_status == 206) {
    return offset > 0 ? BodyAction::append : BodyAction::restart;
  }
  if (http_status >= 200 && http_status < 300) {
    return offset > 0 ? BodyAction::restart : BodyAction::append;
  }
  return BodyAction::discard;  // an error page is never part of the file
}

}  // namespace osbuild::fetch
