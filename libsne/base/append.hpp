// Internal: values appended to a text buffer, for writers of many records (the tableau de bord
// lists 100,000 plis) that stream them without a temporary string or sne::Json per value. Each
// gives the bytes of its public counterpart, which is written with it: append_json_string()
// those of sne::Json::dump(), append_timestamp() those of format_timestamp(), append_iso()
// those of Date::iso().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sne/date.hpp"
#include "sne/timestamp.hpp"

namespace sne::text {

/// `s` as a JSON string, quoted: control characters escaped, invalid UTF-8 bytes as U+FFFD.
void append_json_string(std::string& out, std::string_view s);
/// `v` in decimal.
void append_integer(std::string& out, std::int64_t v);
/// The instant as YYYY-MM-DDTHH:MM:SSZ (UTC), unquoted.
void append_timestamp(std::string& out, Timestamp t);
/// The day as YYYY-MM-DD, unquoted.
void append_iso(std::string& out, Date d);

}  // namespace sne::text
