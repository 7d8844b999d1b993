/// @file
/// Instants of the web service (token expiry, date de transmission...).
///
/// On the wire and in JSON output an instant is ISO 8601 in UTC with second precision:
/// "2026-11-22T09:30:00Z".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// An instant of the web service, in UTC (a system_clock time point; see format_timestamp()).
using Timestamp = std::chrono::system_clock::time_point;

/// "YYYY-MM-DDTHH:MM:SSZ"; sub-second parts are dropped.
SNE_EXPORT std::string format_timestamp(Timestamp t);
/// Parses exactly "YYYY-MM-DDTHH:MM:SSZ", years 1970 to 2200 (the clock of the standard
/// library ends in 2262); invalid_input otherwise.
SNE_EXPORT Result<Timestamp> parse_timestamp(std::string_view text);

/// A duration as people write it on a command line: a number and a unit, possibly several
/// ("90s", "5m", "2h", "3d", "1h30m"); a bare number is seconds. At most 10 years.
/// invalid_input (subject "duration") otherwise.
SNE_EXPORT Result<std::chrono::seconds> parse_duration(std::string_view text);

/// The shortest spelling parse_duration reads back: "1h30m", "45s", "0s".
SNE_EXPORT std::string format_duration(std::chrono::seconds d);

}  // namespace sne
