#include <doctest/doctest.h>

#include "sne/tracking.hpp"

using namespace sne;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }
Date day(const char* iso) { return *Date::parse(iso); }

// Demandes of Hérault (034), Moselle (057) and La Réunion (974).
constexpr const char* kHerault = "0340523004101G3401";
constexpr const char* kMoselle = "0570523004101G5701";
constexpr const char* kReunion = "9740523004101G9741";

PliSummary pli(const char* numero, const char* sent,
               StatutPli statut = StatutPli::numerisation_en_cours, const char* changed = nullptr,
               Contexte contexte = Contexte::ajout) {
  PliSummary p;
  p.transaction = "abcdefghijkl";
  p.numero_unique = numero;
  p.guichet = std::string(numero).substr(13);
  p.contexte = contexte;
  p.statut = statut;
  p.date_transmission = at(sent);
  p.date_statut = at(changed != nullptr ? changed : sent);
  p.nb_pieces = 1;
  return p;
}

}  // namespace

TEST_CASE("tracking: the day of a timestamp in the territory's legal time") {
  // Paris: UTC+1 in winter, UTC+2 from the last Sunday of March, 01:00 UTC.
  CHECK(local_day(at("2025-01-15T23:30:00Z"), CalendarZone::metropole) == day("2025-01-16"));
  CHECK(local_day(at("2025-01-15T22:59:59Z"), CalendarZone::metropole) == day("2025-01-15"));
  CHECK(local_day(at("2025-03-30T00:59:59Z"), CalendarZone::metropole) == day("2025-03-30"));
  CHECK(local_day(at("2025-03-29T22:30:00Z"), CalendarZone::metropole) == day("2025-03-29"));
  CHECK(local_day(at("2025-07-14T22:30:00Z"), CalendarZone::alsace_moselle) == day("2025-07-15"));
  CHECK(local_day(at("2025-10-25T22:30:00Z"), CalendarZone::metropole) == day("2025-10-26"));
  CHECK(local_day(at("2025-10-26T22:30:00Z"), CalendarZone::metropole) == day("2025-10-26"));
  // Other years, asked in turn (each change is computed once per year and kept).
  for (int round = 0; round < 2; ++round) {
    CHECK(local_day(at("2024-10-26T22:30:00Z"), CalendarZone::metropole) == day("2024-10-27"));
    CHECK(local_day(at("2024-10-27T22:30:00Z"), CalendarZone::metropole) == day("2024-10-27"));
    CHECK(local_day(at("2026-10-24T22:30:00Z"), CalendarZone::metropole) == day("2026-10-25"));
    CHECK(local_day(at("2026-10-25T22:30:00Z"), CalendarZone::metropole) == day("2026-10-25"));
    CHECK(local_day(at("2026-03-28T22:30:00Z"), CalendarZone::metropole) == day("2026-03-28"));
    CHECK(local_day(at("2026-03-29T22:30:00Z"), CalendarZone::metropole) == day("2026-03-30"));
  }
  // Overseas: fixed offsets.
  CHECK(local_day(at("2024-12-19T20:30:00Z"), CalendarZone::reunion) == day("2024-12-20"));
  CHECK(local_day(at("2024-12-19T19:59:59Z"), CalendarZone::reunion) == day("2024-12-19"));
  CHECK(local_day(at("2025-05-27T02:00:00Z"), CalendarZone::guadeloupe) == day("2025-05-26"));
  CHECK(local_day(at("2025-06-10T02:30:00Z"), CalendarZone::guyane) == day("2025-06-09"));
  CHECK(local_day(at("2025-04-26T21:00:00Z"), CalendarZone::mayotte) == day("2025-04-27"));
}

TEST_CASE("tracking: the zone comes from the numéro unique") {
  CHECK(zone_of(kHerault) == CalendarZone::metropole);
  CHECK(zone_of(kMoselle) == CalendarZone::alsace_moselle);
  CHECK(zone_of(kReunion) == CalendarZone::reunion);
  CHECK(zone_of("not a numero") == CalendarZone::metropole);
}

TEST_CASE("tracking: SLA around holidays") {
  SUBCASE("sent the Friday before Easter Monday") {
    const PliSla sla = pli_sla(pli(kHerault, "2025-04-18T09:00:00Z"), at("2025-04-18T12:00:00Z"));
    CHECK(sla.sent == day("2025-04-18"));
    CHECK(sla.due == day("2025-04-23"));  // Monday 21 is a holiday: Tuesday 22, Wednesday 23
    CHECK_FALSE(sla.overdue);
    CHECK(sla.elapsed == 0);
  }
  SUBCASE("in Moselle, sent the day before Good Friday") {
    const PliSla moselle =
        pli_sla(pli(kMoselle, "2025-04-17T09:00:00Z"), at("2025-04-17T12:00:00Z"));
    CHECK(moselle.zone == CalendarZone::alsace_moselle);
    CHECK(moselle.due == day("2025-04-23"));  // Good Friday and Easter Monday off
    const PliSla herault =
        pli_sla(pli(kHerault, "2025-04-17T09:00:00Z"), at("2025-04-17T12:00:00Z"));
    CHECK(herault.due == day("2025-04-22"));  // only Easter Monday off
  }
  SUBCASE("in La Réunion, sent before 20 December") {
    const PliSla reunion =
        pli_sla(pli(kReunion, "2024-12-19T06:00:00Z"), at("2024-12-19T07:00:00Z"));
    CHECK(reunion.due == day("2024-12-24"));  // 20 December, abolition of slavery
    const PliSla herault =
        pli_sla(pli(kHerault, "2024-12-19T06:00:00Z"), at("2024-12-19T07:00:00Z"));
    CHECK(herault.due == day("2024-12-23"));
  }
  SUBCASE("the day of transmission is local: late on Thursday evening in Paris is Friday") {
    // 2025-04-17T22:30Z is Friday 00:30 in Paris (summer time).
    const PliSla sla = pli_sla(pli(kHerault, "2025-04-17T22:30:00Z"), at("2025-04-18T08:00:00Z"));
    CHECK(sla.sent == day("2025-04-18"));
    CHECK(sla.due == day("2025-04-23"));
  }
}

TEST_CASE("tracking: overdue counts jours ouvrés past the due day") {
  const PliSummary p = pli(kHerault, "2025-04-18T09:00:00Z");   // due Wednesday 23 April
  CHECK_FALSE(pli_sla(p, at("2025-04-23T20:00:00Z")).overdue);  // the due day itself
  const PliSla thursday = pli_sla(p, at("2025-04-24T08:00:00Z"));
  CHECK(thursday.overdue);
  CHECK(thursday.days_late == 1);
  CHECK(thursday.elapsed == 3);
  const PliSla next_week = pli_sla(p, at("2025-04-28T08:00:00Z"));  // Monday
  CHECK(next_week.days_late == 3);                                  // Thu, Fri, Mon
  CHECK_FALSE(next_week.late);

  // A due day on Friday: the weekend after it costs nothing.
  const PliSummary monday = pli(kHerault, "2025-06-04T09:00:00Z");  // Wednesday: due Friday 6
  CHECK(pli_sla(monday, at("2025-06-06T09:00:00Z")).due == day("2025-06-06"));
  CHECK_FALSE(pli_sla(monday, at("2025-06-08T09:00:00Z")).overdue);  // Sunday
  CHECK_FALSE(pli_sla(monday, at("2025-06-09T09:00:00Z")).overdue);  // Whit Monday
  CHECK(pli_sla(monday, at("2025-06-10T09:00:00Z")).overdue);

  SUBCASE("a processed pli is never overdue, but may have been late") {
    const PliSla on_time = pli_sla(pli(kHerault, "2025-04-18T09:00:00Z",
                                       StatutPli::enregistrement_complet, "2025-04-23T16:00:00Z"),
                                   at("2025-06-01T00:00:00Z"));
    CHECK_FALSE(on_time.overdue);
    CHECK_FALSE(on_time.late);
    REQUIRE(on_time.done);
    CHECK(*on_time.done == day("2025-04-23"));
    CHECK(on_time.elapsed == 2);
    const PliSla late = pli_sla(
        pli(kHerault, "2025-04-18T09:00:00Z", StatutPli::rejet_pieces, "2025-04-25T09:00:00Z"),
        at("2025-06-01T00:00:00Z"));
    CHECK_FALSE(late.overdue);
    CHECK(late.late);
    CHECK(late.days_late == 2);
    CHECK(late.elapsed == 4);
  }
}

TEST_CASE("tracking: the dashboard's counters") {
  const Timestamp now = at("2025-05-05T12:00:00Z");  // Monday
  std::vector<PliSummary> plis{
      // processed in 1, 2, 2, 3 and 6 jours ouvrés
      pli(kHerault, "2025-04-01T09:00:00Z", StatutPli::enregistrement_complet,
          "2025-04-02T09:00:00Z"),
      pli(kHerault, "2025-04-01T09:00:00Z", StatutPli::enregistrement_complet,
          "2025-04-03T09:00:00Z", Contexte::renouvellement),
      pli(kHerault, "2025-04-01T09:00:00Z", StatutPli::rejet_pieces, "2025-04-03T09:00:00Z"),
      pli(kHerault, "2025-04-01T09:00:00Z", StatutPli::rejet_dossier, "2025-04-04T09:00:00Z",
          Contexte::renouvellement),
      pli(kHerault, "2025-04-01T09:00:00Z", StatutPli::enregistrement_complet,
          "2025-04-09T09:00:00Z"),
      // not timed
      pli(kHerault, "2025-04-01T09:00:00Z", StatutPli::non_applicable, "2025-04-30T09:00:00Z"),
      // en cours: one overdue, one not yet
      pli(kHerault, "2025-04-28T09:00:00Z"),
      pli(kHerault, "2025-05-05T08:00:00Z", StatutPli::numerisation_en_cours, nullptr,
          Contexte::renouvellement),
  };
  const PliStats s = pli_stats(plis, now);
  CHECK(s.total == 8);
  REQUIRE(s.by_statut.size() == 5);
  CHECK(s.by_statut[0] == std::pair{StatutPli::numerisation_en_cours, std::size_t{2}});
  CHECK(s.by_statut[1].second == 1);
  CHECK(s.by_statut[2].second == 1);
  CHECK(s.by_statut[3].second == 3);
  CHECK(s.by_statut[4].second == 1);
  CHECK(s.rejected == 2);
  CHECK(s.renewed == 3);
  CHECK(s.overdue == 1);
  CHECK(s.late == 2);  // 3 and 6 jours ouvrés, against a deadline of 2
  CHECK(s.processed == 5);
  CHECK(s.median_jours_ouvres == 2);
  CHECK(s.p90_jours_ouvres == 6);

  const PliStats none = pli_stats({}, now);
  CHECK(none.total == 0);
  CHECK_FALSE(none.median_jours_ouvres);
  CHECK_FALSE(none.p90_jours_ouvres);
}
