#pragma once
// The --json stream (docs/json.md): every command writes JSON Lines on stdout, one compact object
// per line, each with the same envelope: {"schema":1,"stage":"<stage>","event":"<event>",...}.
// Every event goes through json_event(), so the envelope is written in one place.
#include <string>
#include <string_view>

#include "osbuild/util/json.h"

namespace osbuild {

// Raised when a field's meaning or type changes or one is removed (adding fields does not).
inline constexpr int k_json_schema = 1;

// The line without its newline: the envelope first, then `fields` (an object) in key order.
// A field named schema, stage or event, or a field name that is not snake_case ([a-z0-9_]), is a
// programming error (std::logic_error).
std::string json_event_line(std::string_view stage, std::string_view event,
                            const Json& fields = Json::object());

// Writes json_event_line() and a newline to stdout and flushes, under a lock: events from the
// build's worker threads never interleave.
void json_event(std::string_view stage, std::string_view event,
                const Json& fields = Json::object());

}  // namespace osbuild
