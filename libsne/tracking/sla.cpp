// The numériseur's deadline in jours ouvrés, and the dashboard's counters.
#include <algorithm>
#include <cstdint>

#include "sne/numero.hpp"
#include "sne/tracking.hpp"
#include "tracking/rank.hpp"

namespace sne {

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kHour = 3600;

std::int64_t epoch_seconds(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Date day_of(std::int64_t seconds) {
  std::int64_t days = seconds / kDay;
  if (seconds % kDay < 0) --days;
  return Date::from_days(static_cast<long>(days));
}

/// The last Sunday of `month` in `year`, as a day number (Date::days).
long last_sunday(int year, int month) {
  const Date first_of_next =
      month == 12 ? *Date::from_ymd(year + 1, 1, 1) : *Date::from_ymd(year, month + 1, 1);
  const long last = first_of_next.days() - 1;
  // Day 3 (1970-01-04) was a Sunday.
  return last - (((last - 3) % 7) + 7) % 7;
}

/// Metropolitan France is on UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on
/// the last Sunday of October, on UTC+1 otherwise (EU summer time).
std::int64_t paris_offset(std::int64_t utc) {
  // The year's two changes, kept per thread for the last year asked: a tableau de bord judges
  // thousands of plis of the same year.
  struct Summer {
    int year = 0;
    std::int64_t start = 0, end = 0;
  };
  thread_local Summer summer;
  const int year = day_of(utc).year();
  if (summer.year != year)
    summer = {year, static_cast<std::int64_t>(last_sunday(year, 3)) * kDay + kHour,
              static_cast<std::int64_t>(last_sunday(year, 10)) * kDay + kHour};
  return utc >= summer.start && utc < summer.end ? 2 * kHour : kHour;
}

std::int64_t offset_of(CalendarZone zone, std::int64_t utc) {
  switch (zone) {
    case CalendarZone::metropole:
    case CalendarZone::alsace_moselle: return paris_offset(utc);
    case CalendarZone::guadeloupe:
    case CalendarZone::martinique: return -4 * kHour;
    case CalendarZone::guyane: return -3 * kHour;
    case CalendarZone::reunion: return 4 * kHour;
    case CalendarZone::mayotte: return 3 * kHour;
  }
  return 0;
}

/// Jours ouvrés from `from` to `to`; 0 when the calendar cannot tell (a date outside the years
/// it covers, which no timestamp of a pli reaches).
long between(Date from, Date to, CalendarZone zone) {
  auto n = jours_ouvres_between(from, to, zone);
  return n ? *n : 0;
}

}  // namespace

Date local_day(Timestamp t, CalendarZone zone) {
  const std::int64_t utc = epoch_seconds(t);
  return day_of(utc + offset_of(zone, utc));
}

CalendarZone zone_of(std::string_view numero_unique) {
  auto n = NumeroUnique::parse(numero_unique);
  return n ? n->territoire().zone : CalendarZone::metropole;
}

PliSla pli_sla(const PliSummary& pli, Timestamp now) {
  PliSla sla;
  sla.zone = zone_of(pli.numero_unique);
  sla.sent = local_day(pli.date_transmission, sla.zone);
  auto due = add_jours_ouvres(sla.sent, kSlaJoursOuvres, sla.zone);
  sla.due = due ? *due : sla.sent;
  const bool final = info(pli.statut).final;
  const Date until = final ? local_day(pli.date_statut, sla.zone) : local_day(now, sla.zone);
  if (final) sla.done = until;
  sla.elapsed = std::max(0L, between(sla.sent, until, sla.zone));
  sla.days_late = std::max(0L, between(sla.due, until, sla.zone));
  sla.overdue = !final && sla.days_late > 0;
  // "Non applicable" is not the numériseur's doing: it is never late.
  sla.late = final && pli.statut != StatutPli::non_applicable && sla.days_late > 0;
  return sla;
}

PliStats pli_stats(const std::vector<PliSummary>& plis, Timestamp now) {
  PliStats stats;
  for (const auto& s : statuts()) stats.by_statut.emplace_back(s.value, 0);
  std::vector<long> times;
  for (const auto& p : plis) {
    ++stats.total;
    ++stats.by_statut[static_cast<std::size_t>(p.statut)].second;
    const StatutInfo& s = info(p.statut);
    if (s.rejected) ++stats.rejected;
    if (p.contexte == Contexte::renouvellement) ++stats.renewed;
    const PliSla sla = pli_sla(p, now);
    if (sla.overdue) ++stats.overdue;
    if (sla.late) ++stats.late;
    if (s.final && p.statut != StatutPli::non_applicable) times.push_back(sla.elapsed);
  }
  stats.processed = times.size();
  if (!times.empty()) {
    std::sort(times.begin(), times.end());
    stats.median_jours_ouvres = tracking::nearest_rank(times, 50);
    stats.p90_jours_ouvres = tracking::nearest_rank(times, 90);
  }
  return stats;
}

}  // namespace sne
