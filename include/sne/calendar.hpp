/// @file
/// French public holidays and jours ouvrés (Monday to Friday, not a holiday).
///
/// The SLA of a pli (2 jours ouvrés) depends on the département of its demande: Alsace-Moselle
/// and the overseas départements have public holidays of their own (sne/territoire.hpp maps a
/// territory to its CalendarZone). The Gregorian years 1583 to 9999 are covered; dates outside
/// them are refused rather than given wrong holidays. All functions are pure and thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "sne/date.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/territoire.hpp"

namespace sne {

/// A public holiday: its date, a stable code and its French name.
struct Holiday {
  /// The day it falls on.
  Date date;
  std::string_view code;  ///< stable snake_case code: "lundi_de_paques"
  std::string_view name;  ///< French name: "Lundi de Pâques"
};

/// The first year the calendar covers (the Gregorian calendar's first full year in France).
constexpr int kFirstCalendarYear = 1583;
/// The last year the calendar covers.
constexpr int kLastCalendarYear = 9999;
/// The most jours ouvrés add_jours_ouvres moves by, either way (about 4000 years).
constexpr long kMaxJoursOuvres = 1000000;

/// The public holidays of `year` in `zone`, ordered by date. Two holidays may fall on the same
/// date (Ascension on 1 May 2008); both are listed. Empty for a year outside 1583-9999.
SNE_EXPORT std::vector<Holiday> public_holidays(int year, CalendarZone zone);

/// True when `date` is a public holiday in `zone`.
SNE_EXPORT bool is_public_holiday(Date date, CalendarZone zone);

/// True when `date` is a jour ouvré in `zone`: Monday to Friday and not a public holiday.
SNE_EXPORT bool is_jour_ouvre(Date date, CalendarZone zone);

/// The date `n` jours ouvrés after `from` (`n` < 0: before it); `from` itself when n is 0.
/// `from` need not be a jour ouvré: 2 jours ouvrés after a Saturday is the Tuesday.
/// invalid_input when |n| > kMaxJoursOuvres, or when `from` or the result is outside the years
/// 1583-9999.
SNE_EXPORT Result<Date> add_jours_ouvres(Date from, long n, CalendarZone zone);

/// The number of jours ouvrés d with from < d <= to; the opposite count when to < from.
/// So jours_ouvres_between(from, add_jours_ouvres(from, n)) == n for every n >= 0, and for
/// n < 0 when `from` is a jour ouvré. invalid_input when a date is outside the years 1583-9999.
SNE_EXPORT Result<long> jours_ouvres_between(Date from, Date to, CalendarZone zone);

}  // namespace sne
