#include "sne/timestamp.hpp"

#include <fmt/format.h>

#include "sne/date.hpp"

namespace sne {

std::string format_timestamp(Timestamp t) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  long days = static_cast<long>(secs / 86400);
  long rem = static_cast<long>(secs % 86400);
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const Date d = Date::from_days(days);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.year(), d.month(), d.day(),
                     rem / 3600, rem / 60 % 60, rem % 60);
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  const Error bad(ErrorCode::invalid_input,
                  fmt::format("'{}' is not an instant YYYY-MM-DDTHH:MM:SSZ", text.substr(0, 40)));
  if (text.size() != 20 || text[10] != 'T' || text[19] != 'Z' || text[13] != ':' || text[16] != ':')
    return bad;
  auto date = Date::parse(text.substr(0, 10));
  // system_clock counts nanoseconds in 64 bits here: it ends in 2262.
  if (!date || date->year() < 1970 || date->year() > 2200) return bad;
  std::int64_t hms[3];
  for (std::size_t i = 0; i < 3; ++i) {
    const char a = text[11 + 3 * i], b = text[12 + 3 * i];
    if (a < '0' || a > '9' || b < '0' || b > '9') return bad;
    hms[i] = (a - '0') * 10 + (b - '0');
  }
  if (hms[0] > 23 || hms[1] > 59 || hms[2] > 59) return bad;
  const std::int64_t secs =
      static_cast<std::int64_t>(date->days()) * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
  return Timestamp(std::chrono::seconds(secs));
}

}  // namespace sne
