#include "sne/timestamp.hpp"

#include <fmt/format.h>

#include "base/append.hpp"
#include "base/i18n.hpp"
#include "sne/date.hpp"

namespace sne {

std::string format_timestamp(Timestamp t) {
  std::string out;
  text::append_timestamp(out, t);
  return out;
}

void text::append_timestamp(std::string& out, Timestamp t) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  long days = static_cast<long>(secs / 86400);
  long rem = static_cast<long>(secs % 86400);
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const Date d = Date::from_days(days);  // years 1 to 9999: four digits
  // Written digit by digit: a tableau de bord formats hundreds of thousands of instants, and
  // fmt::format's reading of its format string was most of the cost.
  char iso[] = "0000-00-00T00:00:00Z";
  const auto put = [&iso](std::size_t at, long value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10)
      iso[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, d.year(), 4);
  put(5, d.month(), 2);
  put(8, d.day(), 2);
  put(11, rem / 3600, 2);
  put(14, rem / 60 % 60, 2);
  put(17, rem % 60, 2);
  out.append(iso, sizeof iso - 1);
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  // The error is made only when needed: a page of 500 plis reads 1,000 instants.
  const auto bad = [text] {
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("'{}' is not an instant YYYY-MM-DDTHH:MM:SSZ"), text.substr(0, 40)));
  };
  if (text.size() != 20 || text[10] != 'T' || text[19] != 'Z' || text[13] != ':' || text[16] != ':')
    return bad();
  auto date = Date::parse(text.substr(0, 10));
  // system_clock counts nanoseconds in 64 bits here: it ends in 2262.
  if (!date || date->year() < 1970 || date->year() > 2200) return bad();
  std::int64_t hms[3];
  for (std::size_t i = 0; i < 3; ++i) {
    const char a = text[11 + 3 * i], b = text[12 + 3 * i];
    if (a < '0' || a > '9' || b < '0' || b > '9') return bad();
    hms[i] = (a - '0') * 10 + (b - '0');
  }
  if (hms[0] > 23 || hms[1] > 59 || hms[2] > 59) return bad();
  const std::int64_t secs =
      static_cast<std::int64_t>(date->days()) * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
  return Timestamp(std::chrono::seconds(secs));
}

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("'{}' is not a duration: expected e.g. 90s, 5m, 2h, 3d or 1h30m"), text),
        "duration");
  };
  constexpr std::int64_t kMax = 10LL * 366 * 86400;
  if (text.empty()) return bad();
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > kMax) return bad();
      ++i;
    }
    if (i == start) return bad();
    std::int64_t unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return bad();
      }
      ++i;
    } else if (start != 0) {
      return bad();  // "1h30": the last number needs its unit
    }
    total += n * unit;
    if (total > kMax) return bad();
  }
  return std::chrono::seconds(total);
}

std::string format_duration(std::chrono::seconds d) {
  std::int64_t s = d.count();
  if (s <= 0) return "0s";
  std::string out;
  for (auto [unit, name] :
       {std::pair<std::int64_t, char>{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}) {
    if (s >= unit) {
      out += std::to_string(s / unit) + name;
      s %= unit;
    }
  }
  return out;
}

}  // namespace sne
