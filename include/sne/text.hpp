/// @file
/// Showing untrusted text safely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sne/export.hpp"

namespace sne {

/// `s` made safe to show on one line of a terminal or log: control characters (escape and
/// newline included) and bytes that are not UTF-8 become `\xNN`, and the result is cut after
/// `max_chars` characters with "…". Every message of libsne quotes user input through it.
SNE_EXPORT std::string printable(std::string_view s, std::size_t max_chars = 40);

/// A byte count for people: "512 bytes", "300 KiB", "1.2 MiB".
SNE_EXPORT std::string format_size(std::uint64_t bytes);

/// One CSV record (RFC 4180) ending in `"\n"`: fields holding a comma, a double quote, a line
/// break or surrounding spaces are quoted, their double quotes doubled; others are left as
/// they are.
SNE_EXPORT std::string csv_record(const std::vector<std::string>& fields);

}  // namespace sne
