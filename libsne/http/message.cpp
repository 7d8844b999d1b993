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

}  // namespace sne::http
