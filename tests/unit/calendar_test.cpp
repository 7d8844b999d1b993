#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "sne/calendar.hpp"

using namespace sne;

namespace {
Date d(const char* iso) { return Date::parse(iso).value(); }

std::vector<std::string> dates(int year, CalendarZone zone) {
  std::vector<std::string> out;
  for (const auto& h : public_holidays(year, zone)) out.push_back(h.date.iso());
  return out;
}

bool has(const std::vector<std::string>& v, const char* iso) {
  return std::find(v.begin(), v.end(), iso) != v.end();
}
}  // namespace

TEST_CASE("calendar: the eleven national holidays of 2024") {
  CHECK(dates(2024, CalendarZone::metropole) ==
        std::vector<std::string>{"2024-01-01", "2024-04-01", "2024-05-01", "2024-05-08",
                                 "2024-05-09", "2024-05-20", "2024-07-14", "2024-08-15",
                                 "2024-11-01", "2024-11-11", "2024-12-25"});
}

TEST_CASE("calendar: Easter-based holidays move with Easter") {
  const auto y2019 = dates(2019, CalendarZone::metropole);
  CHECK(has(y2019, "2019-04-22"));  // Lundi de Pâques
  CHECK(has(y2019, "2019-05-30"));  // Ascension
  CHECK(has(y2019, "2019-06-10"));  // Lundi de Pentecôte
  const auto y2025 = dates(2025, CalendarZone::metropole);
  CHECK(has(y2025, "2025-04-21"));
  CHECK(has(y2025, "2025-05-29"));
  CHECK(has(y2025, "2025-06-09"));
  const auto y2026 = dates(2026, CalendarZone::metropole);
  CHECK(has(y2026, "2026-04-06"));
  CHECK(has(y2026, "2026-05-14"));
  CHECK(has(y2026, "2026-05-25"));
}

TEST_CASE("calendar: two holidays on one day are both listed and counted once") {
  const auto h = public_holidays(2008, CalendarZone::metropole);
  CHECK(std::count_if(h.begin(), h.end(),
                      [](const Holiday& x) { return x.date == d("2008-05-01"); }) == 2);
  // Thursday 2008-05-01 is one jour férié, not two: Wed 30 April to Fri 2 May counts 1.
  CHECK(*jours_ouvres_between(d("2008-04-30"), d("2008-05-02"), CalendarZone::metropole) == 1);
}

TEST_CASE("calendar: Alsace-Moselle adds Good Friday and 26 December") {
  const auto am = dates(2024, CalendarZone::alsace_moselle);
  CHECK(am.size() == 13);
  CHECK(has(am, "2024-03-29"));
  CHECK(has(am, "2024-12-26"));
  CHECK_FALSE(has(dates(2024, CalendarZone::metropole), "2024-03-29"));
}

TEST_CASE("calendar: overseas départements") {
  const auto gp = dates(2025, CalendarZone::guadeloupe);
  CHECK(has(gp, "2025-04-18"));  // Vendredi saint
  CHECK(has(gp, "2025-05-27"));  // abolition
  CHECK(has(gp, "2025-07-21"));  // Victor Schœlcher
  const auto mq = dates(2025, CalendarZone::martinique);
  CHECK(has(mq, "2025-05-22"));
  CHECK(has(mq, "2025-07-21"));
  const auto gf = dates(2025, CalendarZone::guyane);
  CHECK(has(gf, "2025-06-10"));
  CHECK(has(gf, "2025-04-18"));
  CHECK_FALSE(has(gf, "2025-07-21"));
  const auto re = dates(2025, CalendarZone::reunion);
  CHECK(has(re, "2025-12-20"));
  CHECK_FALSE(has(re, "2025-04-18"));
  CHECK(has(dates(2025, CalendarZone::mayotte), "2025-04-27"));
}

TEST_CASE("calendar: the list is ordered by date and named in French") {
  const auto h = public_holidays(2024, CalendarZone::alsace_moselle);
  for (std::size_t i = 1; i < h.size(); ++i) CHECK(h[i - 1].date <= h[i].date);
  CHECK(h[1].code == "vendredi_saint");
  CHECK(h[2].name == "Lundi de Pâques");
}

TEST_CASE("calendar: jours ouvrés skip weekends and holidays") {
  CHECK(is_jour_ouvre(d("2024-03-29"), CalendarZone::metropole));
  CHECK_FALSE(is_jour_ouvre(d("2024-03-29"), CalendarZone::alsace_moselle));
  CHECK_FALSE(is_jour_ouvre(d("2024-03-30"), CalendarZone::metropole));
  CHECK_FALSE(is_jour_ouvre(d("2024-04-01"), CalendarZone::metropole));
  CHECK(is_public_holiday(d("2024-12-20"), CalendarZone::reunion));
}

TEST_CASE("calendar: adding jours ouvrés around Easter, in Moselle and in La Réunion") {
  // Sent on the Friday before Easter Monday: due on Wednesday.
  CHECK(add_jours_ouvres(d("2024-03-29"), 2, CalendarZone::metropole)->iso() == "2024-04-03");
  // In Moselle, Thursday before Good Friday: Good Friday and Easter Monday are off.
  CHECK(add_jours_ouvres(d("2024-03-28"), 2, CalendarZone::alsace_moselle)->iso() == "2024-04-03");
  CHECK(add_jours_ouvres(d("2024-03-28"), 2, CalendarZone::metropole)->iso() == "2024-04-02");
  // In La Réunion, Thursday before 20 December.
  CHECK(add_jours_ouvres(d("2024-12-19"), 2, CalendarZone::reunion)->iso() == "2024-12-24");
  CHECK(add_jours_ouvres(d("2024-12-19"), 2, CalendarZone::metropole)->iso() == "2024-12-23");
  // From a Saturday; zero days; backwards.
  CHECK(add_jours_ouvres(d("2026-11-21"), 2, CalendarZone::metropole)->iso() == "2026-11-24");
  CHECK(add_jours_ouvres(d("2026-11-21"), 0, CalendarZone::metropole)->iso() == "2026-11-21");
  CHECK(add_jours_ouvres(d("2024-04-02"), -1, CalendarZone::metropole)->iso() == "2024-03-29");
  // Christmas week in Alsace: 25 and 26 December off.
  CHECK(add_jours_ouvres(d("2024-12-24"), 1, CalendarZone::alsace_moselle)->iso() == "2024-12-27");
}

TEST_CASE("calendar: counting jours ouvrés between two dates") {
  // (Fri 29 March, Wed 3 April]: Sat, Sun, Easter Monday off; Tue and Wed count.
  CHECK(*jours_ouvres_between(d("2024-03-29"), d("2024-04-03"), CalendarZone::metropole) == 2);
  CHECK(*jours_ouvres_between(d("2024-04-03"), d("2024-03-29"), CalendarZone::metropole) == -2);
  CHECK(*jours_ouvres_between(d("2024-03-29"), d("2024-03-29"), CalendarZone::metropole) == 0);
  // A whole year: 262 weekdays in 2024 (a leap year starting on Monday), 10 holidays on
  // weekdays (14 July falls on a Sunday), so 252 jours ouvrés.
  CHECK(*jours_ouvres_between(d("2023-12-31"), d("2024-12-31"), CalendarZone::metropole) == 252);
  CHECK(*jours_ouvres_between(d("2023-12-31"), d("2024-12-31"), CalendarZone::alsace_moselle) ==
        250);
}

TEST_CASE("calendar: counting agrees with adding, over several years") {
  for (const auto zone : {CalendarZone::metropole, CalendarZone::alsace_moselle,
                          CalendarZone::guadeloupe, CalendarZone::reunion, CalendarZone::mayotte}) {
    const Date start = d("2023-06-15");
    for (long n = 0; n < 800; n += 7) {
      const Date end = add_jours_ouvres(start, n, zone).value();
      CHECK(*jours_ouvres_between(start, end, zone) == n);
      // Backwards too, from a jour ouvré (2023-06-15 is a Thursday).
      const Date back = add_jours_ouvres(start, -n, zone).value();
      CHECK(*jours_ouvres_between(start, back, zone) == -n);
    }
  }
}

TEST_CASE("calendar: backwards from a day off, the count and the walk differ by design") {
  // 1 jour ouvré before Saturday 2026-11-21 is Friday 20; the jours ouvrés in (Fri, Sat] are
  // none, so between(Sat, Fri) is 0, not -1: the identity holds backwards from jours ouvrés only.
  const Date sat = d("2026-11-21");
  CHECK(add_jours_ouvres(sat, -1, CalendarZone::metropole)->iso() == "2026-11-20");
  CHECK(*jours_ouvres_between(sat, d("2026-11-20"), CalendarZone::metropole) == 0);
}

TEST_CASE("calendar: years outside 1583-9999 are refused, not guessed") {
  CHECK(public_holidays(1582, CalendarZone::metropole).empty());
  CHECK(public_holidays(10000, CalendarZone::metropole).empty());
  CHECK(public_holidays(-5, CalendarZone::metropole).empty());
  CHECK(public_holidays(9999, CalendarZone::metropole).size() == 11);

  auto past_end = add_jours_ouvres(d("9999-12-31"), 1, CalendarZone::metropole);
  REQUIRE_FALSE(past_end.ok());
  CHECK(past_end.error().code() == ErrorCode::invalid_input);
  CHECK(past_end.error().message() ==
        "1 jours ouvrés from 9999-12-31 leave the years 1583-9999 that the calendar covers");
  CHECK_FALSE(add_jours_ouvres(d("1583-01-03"), -10, CalendarZone::metropole).ok());
  CHECK_FALSE(add_jours_ouvres(d("1000-06-01"), 1, CalendarZone::metropole).ok());
  CHECK(add_jours_ouvres(d("9999-12-01"), 10, CalendarZone::metropole)->iso() == "9999-12-15");

  auto early = jours_ouvres_between(d("1500-01-01"), d("2024-01-01"), CalendarZone::metropole);
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().message() ==
        "1500-01-01 is outside the years 1583-9999 that the calendar covers");
}

TEST_CASE("calendar: the number of jours ouvrés is bounded, both ways") {
  const Date start = d("2024-01-01");
  CHECK(add_jours_ouvres(start, kMaxJoursOuvres + 1, CalendarZone::metropole).error().message() ==
        "1000001 jours ouvrés is more than the 1000000 allowed either way");
  CHECK_FALSE(add_jours_ouvres(start, -kMaxJoursOuvres - 1, CalendarZone::metropole).ok());
  CHECK_FALSE(
      add_jours_ouvres(start, std::numeric_limits<long>::min(), CalendarZone::metropole).ok());
  CHECK_FALSE(
      add_jours_ouvres(start, std::numeric_limits<long>::max(), CalendarZone::metropole).ok());
}

TEST_CASE("is_public_holiday: the rules hold outside the years the calendar lists, too") {
  // public_holidays() lists 1583-9999 only; a day before still falls on its rule, as before
  // the per-year table.
  CHECK(is_public_holiday(*Date::from_ymd(1500, 12, 25), CalendarZone::metropole));
  CHECK_FALSE(is_public_holiday(*Date::from_ymd(1500, 12, 24), CalendarZone::metropole));
  CHECK(is_public_holiday(*Date::from_ymd(2025, 4, 21), CalendarZone::metropole));  // Pâques
  CHECK_FALSE(is_public_holiday(*Date::from_ymd(2025, 4, 18), CalendarZone::metropole));
  CHECK(is_public_holiday(*Date::from_ymd(2025, 4, 18), CalendarZone::alsace_moselle));
}
