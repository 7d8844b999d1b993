#include "sne/calendar.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "base/i18n.hpp"

namespace sne {

namespace {

enum ZoneMask : unsigned {
  kMetropole = 1u << static_cast<unsigned>(CalendarZone::metropole),
  kAlsaceMoselle = 1u << static_cast<unsigned>(CalendarZone::alsace_moselle),
  kGuadeloupe = 1u << static_cast<unsigned>(CalendarZone::guadeloupe),
  kMartinique = 1u << static_cast<unsigned>(CalendarZone::martinique),
  kGuyane = 1u << static_cast<unsigned>(CalendarZone::guyane),
  kReunion = 1u << static_cast<unsigned>(CalendarZone::reunion),
  kMayotte = 1u << static_cast<unsigned>(CalendarZone::mayotte),
  kAll = 0x7Fu,
};

/// One rule of the table: a fixed day of a month, or an offset from Easter Sunday (month 0).
struct HolidayRule {
  std::string_view code;
  std::string_view name;
  int month;  ///< 1-12, or 0 for a date relative to Easter
  int day;    ///< day of the month, or days after Easter Sunday
  unsigned zones;
};

// Code du travail L3133-1 for the national list; Alsace-Moselle: L3134-13; overseas abolition
// days: loi n° 83-550 and its décret (the dates DOMAIN.md lists).
constexpr std::array<HolidayRule, 19> kRules{{
    {"jour_de_l_an", "Jour de l'an", 1, 1, kAll},
    {"vendredi_saint", "Vendredi saint", 0, -2,
     kAlsaceMoselle | kGuadeloupe | kMartinique | kGuyane},
    {"lundi_de_paques", "Lundi de Pâques", 0, 1, kAll},
    {"abolition_esclavage", "Abolition de l'esclavage", 4, 27, kMayotte},
    {"fete_du_travail", "Fête du Travail", 5, 1, kAll},
    {"victoire_1945", "Victoire 1945", 5, 8, kAll},
    {"abolition_esclavage", "Abolition de l'esclavage", 5, 22, kMartinique},
    {"abolition_esclavage", "Abolition de l'esclavage", 5, 27, kGuadeloupe},
    {"ascension", "Ascension", 0, 39, kAll},
    {"lundi_de_pentecote", "Lundi de Pentecôte", 0, 50, kAll},
    {"abolition_esclavage", "Abolition de l'esclavage", 6, 10, kGuyane},
    {"fete_nationale", "Fête nationale", 7, 14, kAll},
    {"fete_victor_schoelcher", "Fête de Victor Schœlcher", 7, 21, kGuadeloupe | kMartinique},
    {"assomption", "Assomption", 8, 15, kAll},
    {"toussaint", "Toussaint", 11, 1, kAll},
    {"armistice_1918", "Armistice 1918", 11, 11, kAll},
    {"abolition_esclavage", "Abolition de l'esclavage", 12, 20, kReunion},
    {"noel", "Noël", 12, 25, kAll},
    {"saint_etienne", "Saint-Étienne", 12, 26, kAlsaceMoselle},
}};

unsigned mask(CalendarZone zone) { return 1u << static_cast<unsigned>(zone); }

bool in_range(Date d) { return d.year() >= kFirstCalendarYear && d.year() <= kLastCalendarYear; }

Error out_of_range(Date d) {
  return Error(ErrorCode::invalid_input,
               i18n::format(N_("{} is outside the years {}-{} that the calendar covers"), d.iso(),
                            kFirstCalendarYear, kLastCalendarYear),
               "date");
}

/// Weekdays among the day numbers lower than `x` counted from a Monday, as an offset that only
/// differences are taken of.
long weekdays_before(long x) {
  constexpr long kMonday = -3;  // 1969-12-29 was a Monday
  const long n = x - kMonday;
  const long weeks = n >= 0 ? n / 7 : -((-n + 6) / 7);
  const long rem = n - weeks * 7;  // 0..6
  return weeks * 5 + std::min(rem, 5L);
}

}  // namespace

std::vector<Holiday> public_holidays(int year, CalendarZone zone) {
  std::vector<Holiday> out;
  if (year < kFirstCalendarYear || year > kLastCalendarYear) return out;
  const Date easter = easter_sunday(year);
  for (const auto& rule : kRules) {
    if ((rule.zones & mask(zone)) == 0) continue;
    auto date = rule.month == 0 ? Result<Date>(easter.plus_days(rule.day))
                                : Date::from_ymd(year, rule.month, rule.day);
    if (date) out.push_back({*date, rule.code, rule.name});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return out;
}

namespace {

/// The day numbers (Date::days) of a year's holidays in a zone, ascending, each once.
struct YearHolidays {
  int year = 0;  ///< 0: not computed yet
  std::array<long, kRules.size()> days{};
  std::size_t count = 0;

  const long* begin() const { return days.data(); }
  const long* end() const { return days.data() + count; }
};

/// The holidays of `year` in `zone`, computed once per thread for the last year asked in each
/// zone: a tableau de bord judges thousands of plis of the same few years, and each judgement
/// asks several days.
const YearHolidays& holidays_of(int year, CalendarZone zone) {
  thread_local std::array<YearHolidays, 7> cache;
  YearHolidays& h = cache.at(static_cast<std::size_t>(zone));
  if (h.year == year) return h;
  h.count = 0;
  for (const auto& holiday : public_holidays(year, zone)) {
    const long day = holiday.date.days();
    if (h.count == 0 || h.days[h.count - 1] != day) h.days[h.count++] = day;
  }
  h.year = year;
  return h;
}

}  // namespace

bool is_public_holiday(Date date, CalendarZone zone) {
  if (in_range(date) && static_cast<std::size_t>(zone) < 7) {
    const YearHolidays& h = holidays_of(date.year(), zone);
    return std::binary_search(h.begin(), h.end(), date.days());
  }
  // Outside the years public_holidays() lists: the rules themselves, as they would fall.
  const Date easter = easter_sunday(date.year());
  for (const auto& rule : kRules) {
    if ((rule.zones & mask(zone)) == 0) continue;
    if (rule.month == 0 ? easter.plus_days(rule.day) == date
                        : rule.month == date.month() && rule.day == date.day())
      return true;
  }
  return false;
}

bool is_jour_ouvre(Date date, CalendarZone zone) {
  return !date.is_weekend() && !is_public_holiday(date, zone);
}

Result<Date> add_jours_ouvres(Date from, long n, CalendarZone zone) {
  if (n < -kMaxJoursOuvres || n > kMaxJoursOuvres)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("{} jours ouvrés is more than the {} allowed either way"), n,
                              kMaxJoursOuvres),
                 "jours_ouvres");
  if (!in_range(from)) return out_of_range(from);
  const long step = n >= 0 ? 1 : -1;
  Date d = from;
  for (long left = n >= 0 ? n : -n; left > 0;) {
    const Date next = d.plus_days(step);
    if (next == d || !in_range(next))  // next == d: saturated at 9999-12-31
      return Error(
          ErrorCode::invalid_input,
          i18n::format(N_("{} jours ouvrés from {} leave the years {}-{} that the calendar "
                          "covers"),
                       n, from.iso(), kFirstCalendarYear, kLastCalendarYear),
          "jours_ouvres");
    d = next;
    if (is_jour_ouvre(d, zone)) --left;
  }
  return d;
}

Result<long> jours_ouvres_between(Date from, Date to, CalendarZone zone) {
  if (!in_range(from)) return out_of_range(from);
  if (!in_range(to)) return out_of_range(to);
  if (to < from) return -*jours_ouvres_between(to, from, zone);
  long count = weekdays_before(to.days() + 1) - weekdays_before(from.days() + 1);
  const long first = from.days();
  const long last = to.days();
  for (int year = from.year(); year <= to.year(); ++year)
    for (const long day : holidays_of(year, zone))  // two holidays on one day count once
      if (first < day && day <= last && !Date::from_days(day).is_weekend()) --count;
  return Result<long>(count);
}

}  // namespace sne
