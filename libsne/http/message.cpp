#include "http/message.hpp"

#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "sne/date.hpp"

namespace sne::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::optional<std::string> header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return std::nullopt;
}

namespace {

constexpr std::array<std::string_view, 7> kDayNames{"Mon", "Tue", "Wed", "Thu",
                                                    "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 12> kMonthNames{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr long kSecondsPerDay = 86400;

std::optional<int> number(std::string_view text, int min, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
    return std::nullopt;
  return value;
}

}  // namespace

std::string http_date(Timestamp t) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  long days = static_cast<long>(secs / kSecondsPerDay);
  long rest = static_cast<long>(secs % kSecondsPerDay);
  if (rest < 0) {
    rest += kSecondsPerDay;
    --days;
  }
  const Date d = Date::from_days(days);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                     kDayNames[static_cast<std::size_t>(static_cast<int>(d.weekday()) - 1)],
                     d.day(), kMonthNames[static_cast<std::size_t>(d.month() - 1)], d.year(),
                     rest / 3600, rest / 60 % 60, rest % 60);
}

std::optional<Timestamp> parse_http_date(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters at fixed places.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return std::nullopt;
  std::size_t month = 0;
  while (month < kMonthNames.size() && kMonthNames[month] != text.substr(8, 3)) ++month;
  const auto day = number(text.substr(5, 2), 1, 31);
  const auto year = number(text.substr(12, 4), 1583, 9999);
  const auto hour = number(text.substr(17, 2), 0, 23);
  const auto minute = number(text.substr(20, 2), 0, 59);
  const auto second = number(text.substr(23, 2), 0, 60);
  if (month == kMonthNames.size() || !day || !year || !hour || !minute || !second)
    return std::nullopt;
  auto date = Date::from_ymd(*year, static_cast<int>(month) + 1, *day);
  if (!date) return std::nullopt;
  const long long secs = static_cast<long long>(date->days()) * kSecondsPerDay + *hour * 3600LL +
                         *minute * 60LL + std::min(*second, 59);
  return Timestamp(std::chrono::seconds(secs));
}

bool Request::safe_to_retry() const {
  if (method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE") return true;
  const auto key = header(headers, "Idempotency-Key");
  return key && !key->empty();
}

std::string percent_encode(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::vector<QueryPair> split_query(std::string_view query) {
  std::vector<QueryPair> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    out.push_back({pair.substr(0, eq),
                   eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1)});
  }
  return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error multipart_error(std::string_view what) {
  return Error(ErrorCode::invalid_input,
               fmt::format("malformed multipart/form-data body: {}", what), "body");
}

}  // namespace

std::optional<std::string> header_parameter(std::string_view value, std::string_view name) {
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    const std::size_t eq = value.find('=', i);
    const std::size_t semicolon = value.find(';', i);
    if (eq == std::string_view::npos || (semicolon != std::string_view::npos && semicolon < eq)) {
      i = semicolon;  // a parameter without a value
      continue;
    }
    const std::string_view key = trim(value.substr(i, eq - i));
    std::size_t j = eq + 1;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    std::string parsed;
    if (j < value.size() && value[j] == '"') {
      for (++j; j < value.size() && value[j] != '"'; ++j) {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        parsed += value[j];
      }
      if (j >= value.size()) return std::nullopt;  // unterminated quoted string
      i = value.find(';', j);
    } else {
      const std::size_t end = value.find(';', j);
      parsed = std::string(trim(value.substr(j, end == std::string_view::npos ? end : end - j)));
      i = end;
    }
    if (iequals(key, name)) return parsed;
  }
  return std::nullopt;
}

Result<std::vector<FormPart>> parse_multipart(std::string_view content_type,
                                              std::string_view body) {
  const auto boundary = header_parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70)
    return multipart_error("no boundary of 1 to 70 characters in its Content-Type");
  const std::string delimiter = "--" + *boundary;
  const std::string next_delimiter = "\r\n" + delimiter;
  // The first delimiter opens the body or follows a preamble's line.
  std::size_t pos = 0;
  if (body.substr(0, delimiter.size()) != delimiter) {
    pos = body.find(next_delimiter);
    if (pos == std::string_view::npos) return multipart_error("no opening boundary");
    pos += 2;
  }
  std::vector<FormPart> parts;
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // the close delimiter; an epilogue may follow
    // Transport padding (RFC 2046: spaces and tabs) then the line's end.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return multipart_error("a boundary line is not ended");
    pos += 2;
    if (parts.size() == kMaxFormParts)
      return multipart_error(fmt::format("more than {} parts", kMaxFormParts));
    FormPart part;
    bool named = false;
    std::string_view head;  // a part with no header at all starts with its empty line
    if (body.substr(pos, 2) == "\r\n") {
      pos += 2;
    } else {
      const std::size_t head_end = body.find("\r\n\r\n", pos);
      if (head_end == std::string_view::npos || head_end - pos > kMaxPartHeaderBytes)
        return multipart_error("a part's headers are not ended or too long");
      head = body.substr(pos, head_end - pos);
      pos = head_end + 4;
    }
    std::size_t line_start = 0;
    while (line_start < head.size()) {
      std::size_t line_end = head.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = head.size();
      const std::string_view line = head.substr(line_start, line_end - line_start);
      line_start = line_end + 2;
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) return multipart_error("a part header has no ':'");
      const std::string_view name = trim(line.substr(0, colon));
      const std::string_view value = trim(line.substr(colon + 1));
      if (iequals(name, "Content-Disposition")) {
        const auto semicolon = value.find(';');
        if (!iequals(trim(value.substr(0, semicolon)), "form-data"))
          return multipart_error("a part's Content-Disposition is not form-data");
        if (auto n = header_parameter(value, "name")) {
          part.name = std::move(*n);
          named = true;
        }
        if (auto f = header_parameter(value, "filename")) part.filename = std::move(*f);
      } else if (iequals(name, "Content-Type")) {
        part.content_type = std::string(value);
      }
    }
    if (!named) return multipart_error("a part has no Content-Disposition name");
    const std::size_t data_end = body.find(next_delimiter, pos);
    if (data_end == std::string_view::npos) return multipart_error("the last part is not closed");
    part.data = std::string(body.substr(pos, data_end - pos));
    parts.push_back(std::move(part));
    pos = data_end + 2;
  }
}

}  // namespace sne::http
