// Internal: GLPI's rows read as the records of sne/glpi.hpp. GLPI writes integers as numbers
// or as strings (older versions, MySQL strings) and may HTML-encode plain text whatever was
// asked; these read both. Knows no session and no transport.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sne/glpi.hpp"

namespace sne::glpi {

/// An integer GLPI may write as a number or as a string of digits; `fallback` for null,
/// false or "".
std::int64_t loose_int(const nlohmann::json& v, std::int64_t fallback = 0);

/// A string member as GLPI stored it (empty when absent or not a string).
std::string raw_string(const nlohmann::json& obj, std::string_view key);

/// A plain-text member (a name, a date): GLPI 10 may HTML-encode it, whatever was asked.
std::string loose_string(const nlohmann::json& obj, std::string_view key);

/// "0-49/73" → {0, 49, 73}.
struct ContentRange {
  std::size_t first = 0, last = 0, total = 0;
};
/// nullopt when `v` is not of that form or its last is before its first.
std::optional<ContentRange> parse_content_range(std::string_view v);

/// A row of ITILCategory.
GlpiCategory category_of(const nlohmann::json& row);

/// A row of Ticket; `categories` (id → complete name) names its category when GLPI gave
/// only its id.
Ticket ticket_of(const nlohmann::json& row, const std::map<std::int64_t, std::string>& categories);

/// A row of search/Ticket, keyed by search option ("2": id, "1": title, "12": status, "7": the
/// category's complete name, "15" and "19": dates, "14": type, "10": urgency, "21": text).
/// Multiple values come as arrays: their first is taken.
Ticket ticket_of_search(const nlohmann::json& row);

/// A row of ITILFollowup.
TicketFollowup followup_of(const nlohmann::json& row);

}  // namespace sne::glpi
