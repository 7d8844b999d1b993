#include "sne/date.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "base/append.hpp"
#include "base/i18n.hpp"

namespace sne {

bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) noexcept {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

Result<Date> Date::from_ymd(int year, int month, int day) {
  if (year < 1 || year > 9999)
    return Error(ErrorCode::invalid_input, i18n::format(N_("year {} is not 0001-9999"), year),
                 "year");
  if (month < 1 || month > 12)
    return Error(ErrorCode::invalid_input, i18n::format(N_("month {:02} is not 01-12"), month),
                 "month");
  if (day < 1 || day > days_in_month(year, month))
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("day {:02} is not in {:04}-{:02}"), day, year, month), "day");
  return Date(year, month, day);
}

Date Date::today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  return Date(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

Result<Date> Date::parse(std::string_view iso) {
  auto bad = [] {
    return Error(ErrorCode::invalid_input, i18n::format(N_("expected a date YYYY-MM-DD")), "date");
  };
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return bad();
  auto number = [&](std::size_t pos, std::size_t len, int& out) {
    for (std::size_t i = pos; i < pos + len; ++i)
      if (iso[i] < '0' || iso[i] > '9') return false;
    std::from_chars(iso.data() + pos, iso.data() + pos + len, out);
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return bad();
  return from_ymd(y, m, d);
}

// Days from civil and back: Howard Hinnant's public-domain algorithms (chrono-Compatible
// Low-Level Date Algorithms), with eras of 400 years.
long Date::days() const noexcept {
  const long y = year_ - (month_ <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long mp = (month_ + 9) % 12;
  const long doy = (153 * mp + 2) / 5 + day_ - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {
constexpr long kMinDays = -719162;  // 0001-01-01
constexpr long kMaxDays = 2932896;  // 9999-12-31
}  // namespace

Date Date::from_days(long z) noexcept {
  if (z <= kMinDays) return min();
  if (z >= kMaxDays) return max();
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  const long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return Date(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
}

Weekday Date::weekday() const noexcept {
  const long z = days();                 // 1970-01-01 was a Thursday (4)
  const long w = ((z % 7) + 7 + 3) % 7;  // 0 = Monday
  return static_cast<Weekday>(w + 1);
}

bool Date::is_weekend() const noexcept {
  const Weekday w = weekday();
  return w == Weekday::saturday || w == Weekday::sunday;
}

Date Date::plus_days(long n) const noexcept {
  // days() is within [kMinDays, kMaxDays]: clamp n first so that the sum cannot overflow.
  return from_days(days() + std::clamp(n, kMinDays - kMaxDays, kMaxDays - kMinDays));
}

Date Date::plus_months(int n) const noexcept {
  const long index = long(year_) * 12 + (month_ - 1) + n;
  if (index < 12) return min();
  if (index > 9999L * 12 + 11) return max();
  const int y = static_cast<int>(index >= 0 ? index / 12 : (index - 11) / 12);
  const int m = static_cast<int>(index - long(y) * 12) + 1;
  return Date(y, m, std::min(day_, days_in_month(y, m)));
}

std::string Date::iso() const {
  std::string out;
  text::append_iso(out, *this);
  return out;
}

void text::append_iso(std::string& out, Date d) {
  // Digit by digit, as format_timestamp() writes instants: the tableau de bord writes three
  // days per pli. Years are 1 to 9999: four digits, zero-padded.
  char iso[] = "0000-00-00";
  const auto put = [&iso](std::size_t at, int value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10)
      iso[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, d.year(), 4);
  put(5, d.month(), 2);
  put(8, d.day(), 2);
  out.append(iso, sizeof iso - 1);
}

Date easter_sunday(int year) noexcept {
  if (year < 1583 || year > 9999) return Date{};
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date::from_ymd(year, month, day).value_or(Date{});
}

std::string_view weekday_name_fr(Weekday day) noexcept {
  static constexpr std::array<std::string_view, 7> kNames{"lundi",    "mardi",  "mercredi", "jeudi",
                                                          "vendredi", "samedi", "dimanche"};
  const auto i = static_cast<std::size_t>(day) - 1;
  return i < kNames.size() ? kNames[i] : std::string_view{};
}

std::string_view month_name_fr(int month) noexcept {
  static constexpr std::array<std::string_view, 12> kNames{
      "janvier", "février", "mars",      "avril",   "mai",      "juin",
      "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  if (month < 1 || month > 12) return {};
  return kNames[static_cast<std::size_t>(month - 1)];
}

}  // namespace sne
