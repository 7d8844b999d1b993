#include "glpi/html.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "base/text.hpp"

namespace sne::glpi {

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The named references HTML text from GLPI carries: markup, spaces and French letters.
constexpr std::array<std::pair<std::string_view, std::uint32_t>, 44> kNamed{{
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"laquo", 0xAB},   {"raquo", 0xBB},   {"euro", 0x20AC},  {"hellip", 0x2026},
    {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"ndash", 0x2013},
    {"mdash", 0x2014}, {"deg", 0xB0},     {"agrave", 0xE0},  {"acirc", 0xE2},   {"auml", 0xE4},
    {"ccedil", 0xE7},  {"egrave", 0xE8},  {"eacute", 0xE9},  {"ecirc", 0xEA},   {"euml", 0xEB},
    {"icirc", 0xEE},   {"iuml", 0xEF},    {"ocirc", 0xF4},   {"ouml", 0xF6},    {"ugrave", 0xF9},
    {"ucirc", 0xFB},   {"uuml", 0xFC},    {"yuml", 0xFF},    {"oelig", 0x153},  {"Agrave", 0xC0},
    {"Acirc", 0xC2},   {"Ccedil", 0xC7},  {"Egrave", 0xC8},  {"Eacute", 0xC9},  {"Ecirc", 0xCA},
    {"Icirc", 0xCE},   {"Ocirc", 0xD4},   {"Ugrave", 0xD9},  {"OElig", 0x152},
}};

/// The reference at the start of `s` ("&amp;..."): its code point and length.
std::optional<std::pair<std::uint32_t, std::size_t>> reference(std::string_view s) {
  const auto semi = s.find(';');
  if (s.size() < 3 || s[0] != '&' || semi == std::string_view::npos || semi > 10) return {};
  const std::string_view body = s.substr(1, semi - 1);
  if (body.size() >= 2 && body[0] == '#') {
    const bool hex = body[1] == 'x' || body[1] == 'X';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) return {};
    std::uint32_t cp = 0;
    for (char c : digits) {
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) return {};
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
    }
    return std::pair{cp, semi + 1};
  }
  for (const auto& [name, cp] : kNamed)
    if (name == body) return std::pair{cp, semi + 1};
  return {};
}

bool starts_tag(std::string_view s, std::string_view name) {
  // "<br", "</p"... followed by the end of the name.
  if (s.size() <= name.size() || s.substr(0, name.size()) != name) return false;
  const char next = s[name.size()];
  return next == '>' || next == ' ' || next == '/' || next == '\t' || next == '\n';
}

/// The line breaks a tag stands for: a blank line after a paragraph, a line break after <br>
/// and the other blocks, none for inline tags.
const char* breaks_of(std::string_view tag) {
  for (std::string_view name : {"</p", "</blockquote", "</pre", "<hr"})
    if (starts_tag(tag, name)) return "\n\n";
  for (std::string_view name : {"<br", "</div", "</li", "</tr", "</h1", "</h2", "</h3", "</h4"})
    if (starts_tag(tag, name)) return "\n";
  return "";
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string text_to_html(std::string_view text) {
  std::string out = "<p>";
  int pending_breaks = 0;
  std::size_t start = 0;  // of the line being read
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n' && text[i] != '\r') continue;
    if (i > start) {
      if (pending_breaks > 0 && out != "<p>") out += pending_breaks == 1 ? "<br>" : "</p><p>";
      pending_breaks = 0;
      out += text::escape_html(text.substr(start, i - start));
    }
    if (i == text.size()) break;
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) ++pending_breaks;
    start = i + 1;
  }
  out += "</p>";
  return out;
}

std::string decode_entities(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] == '&') {
      if (auto ref = reference(html.substr(i))) {
        append_utf8(out, ref->first);
        i += ref->second;
        continue;
      }
    }
    out += html[i++];
  }
  return out;
}

std::string html_to_text(std::string_view html) {
  // GLPI 10 without X-GLPI-Sanitized-Content: false sends "&#60;p&#62;": markup encoded once
  // more. Text that holds no tag but encoded ones is decoded once before reading the tags.
  std::string decoded;
  if (html.find('<') == std::string_view::npos && (html.find("&lt;") != std::string_view::npos ||
                                                   html.find("&#60;") != std::string_view::npos)) {
    decoded = decode_entities(html);
    html = decoded;
  }
  std::string text;
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] == '<') {
      const auto end = html.find('>', i);
      if (end == std::string_view::npos) break;  // an unfinished tag: drop it
      text += breaks_of(html.substr(i));
      i = end + 1;
      continue;
    }
    const auto next = html.find('<', i);
    const std::string_view run =
        html.substr(i, next == std::string_view::npos ? html.npos : next - i);
    // Line breaks in HTML source are spaces.
    for (char c : decode_entities(run)) text += (c == '\n' || c == '\r') ? ' ' : c;
    i += run.size();
  }
  // Non-breaking spaces as spaces; lines trimmed; at most one blank line in a row.
  std::string out;
  std::string_view rest = text;
  int blank = 0;
  while (true) {
    const auto nl = rest.find('\n');
    std::string line;
    const std::string_view raw = rest.substr(0, nl);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0') {
        line += ' ';
        ++i;
      } else {
        line += raw[i];
      }
    }
    const std::string_view trimmed = trim_spaces(line);
    if (trimmed.empty()) {
      ++blank;
    } else {
      if (!out.empty()) out += blank > 0 ? "\n\n" : "\n";
      out += trimmed;
      blank = 0;
    }
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return out;
}

std::string fold_name(std::string_view name) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < name.size()) {
      // U+00C0..U+00DE (but U+00D7, the multiplication sign) are the capitals of U+00E0..
      auto next = static_cast<unsigned char>(name[++i]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) next += 0x20;
      out += static_cast<char>(c);
      out += static_cast<char>(next);
    } else if (c == 0xC5 && i + 1 < name.size() &&
               (name[i + 1] == '\x92' || name[i + 1] == '\xB8')) {
      // The two capitals of French outside Latin-1: Œ (U+0152) and Ÿ (U+0178).
      out += name[++i] == '\x92' ? "\xC5\x93" : "\xC3\xBF";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace sne::glpi
