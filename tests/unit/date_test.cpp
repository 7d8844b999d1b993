#include <doctest/doctest.h>

#include <limits>

#include "sne/date.hpp"

using namespace sne;

namespace {
Date d(const char* iso) { return Date::parse(iso).value(); }
}  // namespace

TEST_CASE("date: parses ISO dates and rejects everything else") {
  CHECK(d("2019-08-31").iso() == "2019-08-31");
  CHECK(d("2024-02-29").day() == 29);
  CHECK(Date::parse("2023-02-29").error().message() == "day 29 is not in 2023-02");
  CHECK(Date::parse("2024-13-01").error().message() == "month 13 is not 01-12");
  CHECK_FALSE(Date::parse("2024-1-01").ok());
  CHECK_FALSE(Date::parse("2024/01/01").ok());
  CHECK_FALSE(Date::parse("").ok());
  CHECK_FALSE(Date::parse("20a4-01-01").ok());
  CHECK(Date::parse("0000-01-01").error().subject() == "year");
}

TEST_CASE("date: day numbers round-trip across eras and leap years") {
  CHECK(d("1970-01-01").days() == 0);
  CHECK(d("2000-03-01").days() - d("2000-02-28").days() == 2);  // 2000 is a leap year
  CHECK(d("1900-03-01").days() - d("1900-02-28").days() == 1);  // 1900 is not
  for (long z = -719162; z <= 2932896; z += 997) CHECK(Date::from_days(z).days() == z);
  CHECK(Date::from_days(d("2024-12-31").days() + 1).iso() == "2025-01-01");
}

TEST_CASE("date: weekdays") {
  CHECK(d("1970-01-01").weekday() == Weekday::thursday);
  CHECK(d("2024-04-01").weekday() == Weekday::monday);
  CHECK(d("2026-11-22").weekday() == Weekday::sunday);
  CHECK(d("1969-12-29").weekday() == Weekday::monday);
  CHECK(d("2026-11-21").is_weekend());
  CHECK_FALSE(d("2026-11-20").is_weekend());
}

TEST_CASE("date: month arithmetic clamps to the end of shorter months") {
  CHECK(d("2024-01-31").plus_months(1).iso() == "2024-02-29");
  CHECK(d("2023-01-31").plus_months(1).iso() == "2023-02-28");
  CHECK(d("2024-11-15").plus_months(3).iso() == "2025-02-15");
  CHECK(d("2024-03-31").plus_months(-1).iso() == "2024-02-29");
  CHECK(d("2024-01-15").plus_months(-13).iso() == "2022-12-15");
}

TEST_CASE("date: Easter Sunday") {
  CHECK(easter_sunday(2008).iso() == "2008-03-23");
  CHECK(easter_sunday(2019).iso() == "2019-04-21");
  CHECK(easter_sunday(2024).iso() == "2024-03-31");
  CHECK(easter_sunday(2025).iso() == "2025-04-20");
  CHECK(easter_sunday(2026).iso() == "2026-04-05");
  CHECK(easter_sunday(2038).iso() == "2038-04-25");  // latest possible
  CHECK(easter_sunday(2285).iso() == "2285-03-22");  // earliest possible
}

TEST_CASE("date: French month names") {
  CHECK(month_name_fr(8) == "août");
  CHECK(month_name_fr(12) == "décembre");
  CHECK(month_name_fr(13).empty());
  CHECK(weekday_name_fr(Weekday::wednesday) == "mercredi");
  CHECK(weekday_name_fr(d("2026-11-22").weekday()) == "dimanche");
}

TEST_CASE("date: arithmetic saturates at 0001-01-01 and 9999-12-31") {
  CHECK(d("9999-12-31").plus_days(1) == Date::max());
  CHECK(d("2024-01-01").plus_days(std::numeric_limits<long>::max()) == Date::max());
  CHECK(d("2024-01-01").plus_days(std::numeric_limits<long>::min()) == Date::min());
  CHECK(Date::from_days(std::numeric_limits<long>::max()).iso() == "9999-12-31");
  CHECK(Date::from_days(std::numeric_limits<long>::min()).iso() == "0001-01-01");
  CHECK(d("9999-11-30").plus_months(5) == Date::max());
  CHECK(d("0001-02-01").plus_months(-2) == Date::min());
  CHECK(d("0001-01-01").days() == -719162);
  CHECK(d("9999-12-31").days() == 2932896);
}

TEST_CASE("date: parse errors do not echo the input") {
  CHECK(Date::parse("2024\n01-01").error().message() == "expected a date YYYY-MM-DD");
}
