// Internal: small text helpers shared by the parsers. Knows nothing of the domain.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/internal_export.hpp"
#include "sne/text.hpp"

namespace sne::text {

/// Without leading and trailing ASCII white space.
SNE_INTERNAL_EXPORT std::string_view trim(std::string_view s) noexcept;
SNE_INTERNAL_EXPORT std::string ascii_upper(std::string_view s);
SNE_INTERNAL_EXPORT std::string ascii_lower(std::string_view s);
SNE_INTERNAL_EXPORT bool iequals(std::string_view a, std::string_view b) noexcept;

struct NonAscii {
  std::size_t position;   ///< 0-based index in characters (code points), not bytes
  std::string character;  ///< the character as UTF-8, or "\xNN" when the bytes are not UTF-8
};
/// The first character outside printable ASCII (0x20-0x7E), if any.
std::optional<NonAscii> first_non_ascii(std::string_view s);

/// Length in bytes of the well-formed UTF-8 sequence that starts at s[i] (1 for ASCII), or 0
/// when the bytes there are not UTF-8 (overlong forms and surrogates included).
SNE_INTERNAL_EXPORT std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept;

/// True when `s` is well-formed UTF-8.
bool valid_utf8(std::string_view s) noexcept;

/// `text` made safe inside HTML or SVG text and attribute values (in double or single quotes):
/// & < > " ' escaped, control characters but tab and newline dropped, invalid UTF-8 bytes
/// replaced by U+FFFD. The one HTML escaper of the library (the report, GLPI's ticket text).
SNE_INTERNAL_EXPORT std::string escape_html(std::string_view text);

}  // namespace sne::text
