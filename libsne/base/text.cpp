#include "base/text.hpp"

#include <fmt/format.h>

#include "base/i18n.hpp"

namespace sne {

namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string hex_escape(char c) {
  return fmt::format("\\x{:02X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
}

}  // namespace

namespace text {

std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  unsigned min_second = 0x80, max_second = 0xBF;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) min_second = 0xA0;  // overlong
    if (b0 == 0xED) max_second = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) min_second = 0x90;  // overlong
    if (b0 == 0xF4) max_second = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned lo = k == 1 ? min_second : 0x80, hi = k == 1 ? max_second : 0xBF;
    if (b < lo || b > hi) return 0;
  }
  return len;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<NonAscii> first_non_ascii(std::string_view s) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x20 && b < 0x7F) {
      ++i;
      continue;
    }
    const std::size_t len = utf8_sequence(s, i);
    if (len > 1) return NonAscii{chars, std::string(s.substr(i, len))};
    return NonAscii{chars, hex_escape(s[i])};
  }
  return std::nullopt;
}

bool valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = utf8_sequence(text, i);
    if (len == 0) {
      out += "\uFFFD";
      ++i;
      continue;
    }
    if (len > 1) {
      out.append(text.substr(i, len));
      i += len;
      continue;
    }
    const char c = text[i++];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n': out += c; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    }
  }
  return out;
}

}  // namespace text

std::string printable(std::string_view s, std::size_t max_chars) {
  using text::utf8_sequence;
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x20 && b < 0x7F) {
      out += s[i++];
      continue;
    }
    const std::size_t len = b >= 0x80 ? utf8_sequence(s, i) : 0;
    if (len > 1) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += hex_escape(s[i++]);
    }
  }
  return out;
}

namespace {

/// `number` ("1234.5") as the language of messages writes it, with its decimal and thousands
/// separators (French: "1 234,5", a no-break space); unchanged where the catalogue has none.
std::string localized_number(const std::string& number) {
  // TRANSLATORS: the decimal separator of numbers for humans ("3.5 MiB"): French ",".
  const char* point_msgid = N_("decimal separator");
  // TRANSLATORS: the thousands separator of numbers for humans: French a no-break space.
  const char* thousands_msgid = N_("thousands separator");
  const std::string_view point = translate(point_msgid);
  const std::string_view thousands = translate(thousands_msgid);
  const bool has_point = point != point_msgid;
  const bool has_thousands = thousands != thousands_msgid;
  const std::size_t dot = number.find('.');
  const std::string whole = number.substr(0, dot);
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (has_thousands && i > 0 && (whole.size() - i) % 3 == 0) out += thousands;
    out += whole[i];
  }
  if (dot != std::string::npos) {
    out += has_point ? point : std::string_view(".");
    out += number.substr(dot + 1);
  }
  return out;
}

}  // namespace

std::string format_size(std::uint64_t bytes) {
  constexpr std::uint64_t kKiB = 1024;
  constexpr std::uint64_t kMiB = kKiB * kKiB;
  std::string number;
  const char* unit = nullptr;
  if (bytes >= kMiB) {
    number = fmt::format("{:.1f}", static_cast<double>(bytes) / kMiB);
    unit = N_("{} MiB");
  } else if (bytes >= kKiB) {
    number = fmt::format("{:.0f}", static_cast<double>(bytes) / kKiB);
    unit = N_("{} KiB");
  } else {
    number = std::to_string(bytes);
    unit = N_("{} bytes");
  }
  std::string english = fmt::format(fmt::runtime(unit), number);
  // In human text the language's units and separators: localized(format_size(n)).
  if (i18n::active()) {
    try {
      std::string translated = fmt::format(fmt::runtime(translate(unit)), localized_number(number));
      if (translated != english) i18n::remember(english, std::move(translated));
    } catch (const fmt::format_error&) {  // a catalogue's bad format string: English stays
    }
  }
  return english;
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    const std::string& f = fields[i];
    const bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                       (!f.empty() && (f.front() == ' ' || f.back() == ' '));
    if (!quote) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += '\n';
  return out;
}

}  // namespace sne
