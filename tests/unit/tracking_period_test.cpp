// What a user writes to ask the tableau de bord and to watch plis: the period's bounds, the
// watch's waits and timeout, and where the plis of a watch stand.
#include <doctest/doctest.h>

#include "sne/tracking.hpp"

using namespace sne;
using namespace std::chrono_literals;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

Pli pli_in(StatutPli statut) {
  Pli p;
  p.resume.statut = statut;
  return p;
}

}  // namespace

TEST_CASE("parse_pli_period: days, instants, and until taking its whole day") {
  auto p = parse_pli_period("2026-01-10", "2026-01-10");
  REQUIRE(p.ok());
  CHECK(p->since == at("2026-01-10T00:00:00Z"));
  CHECK(p->until == at("2026-01-11T00:00:00Z"));

  p = parse_pli_period("2026-01-10T08:30:00Z", "2026-01-10T09:00:00Z");
  REQUIRE(p.ok());
  CHECK(p->since == at("2026-01-10T08:30:00Z"));
  CHECK(p->until == at("2026-01-10T09:00:00Z"));

  p = parse_pli_period("", "");
  REQUIRE(p.ok());
  CHECK_FALSE(p->since.has_value());
  CHECK_FALSE(p->until.has_value());

  p = parse_pli_period("1970-01-01", "2199-12-31");
  REQUIRE(p.ok());
  CHECK(p->since == Timestamp{});
  CHECK(p->until == at("2200-01-01T00:00:00Z"));
}

TEST_CASE("parse_pli_period: errors name since or until, and no flag") {
  auto p = parse_pli_period("hier", "");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().code() == ErrorCode::invalid_input);
  CHECK(p.error().subject() == "since");
  CHECK(p.error().message() == "since 'hier': expected YYYY-MM-DD or an ISO 8601 time");

  p = parse_pli_period("", "2200-01-01");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().subject() == "until");
  CHECK(p.error().message() == "until '2200-01-01': out of range (1970 to 2199)");

  p = parse_pli_period("1969-12-31", "");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().subject() == "since");
  CHECK(p.error().message() == "since '1969-12-31': out of range (1970 to 2199)");

  p = parse_pli_period("2200-01-01T00:00:00Z", "");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().message() == "since '2200-01-01T00:00:00Z': out of range (1970 to 2199)");

  // A control character is not written as is.
  p = parse_pli_period("a\nb", "");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().message().find('\n') == std::string::npos);

  p = parse_pli_period("2026-02-01", "2026-01-01");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().subject() == "until");
  CHECK(p.error().message() == "until is before since");
  // The same instant is an empty period: refused too.
  p = parse_pli_period("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().subject() == "until");
  // A day for both is that day: accepted (until takes the whole day).
  CHECK(parse_pli_period("2026-01-01", "2026-01-01").ok());
}

TEST_CASE("watch_polling: the first wait, the longest wait and the timeout") {
  auto o = watch_polling("5s", "");
  REQUIRE(o.ok());
  CHECK(o->interval == 5s);
  CHECK(o->max_interval == 60s);
  CHECK(o->timeout == 0s);

  o = watch_polling("1s", "2m");
  REQUIRE(o.ok());
  CHECK(o->interval == 1s);
  CHECK(o->timeout == 120s);

  // A first wait longer than a minute is the longest too.
  o = watch_polling("5m", "1h");
  REQUIRE(o.ok());
  CHECK(o->interval == 300s);
  CHECK(o->max_interval == 300s);
}

TEST_CASE("watch_polling: errors name interval or timeout") {
  auto o = watch_polling("0s", "");
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().code() == ErrorCode::invalid_input);
  CHECK(o.error().subject() == "interval");
  CHECK(o.error().message() == "interval: at least 1s, not to hammer the service");

  o = watch_polling("soon", "");
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().subject() == "interval");
  CHECK(o.error().message().rfind("interval: 'soon' is not a duration", 0) == 0);

  o = watch_polling("5s", "soon");
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().subject() == "timeout");
  CHECK(o.error().message().rfind("timeout: 'soon' is not a duration", 0) == 0);

  o = watch_polling("", "");
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().subject() == "interval");
}

TEST_CASE("watch outcomes: names, and the tally whatever the outcome") {
  CHECK(to_string(WatchOutcome::complete) == "complete");
  CHECK(to_string(WatchOutcome::rejected) == "rejected");
  CHECK(to_string(WatchOutcome::timeout) == "timeout");
  CHECK(to_string(WatchOutcome::cancelled) == "cancelled");

  WatchResult r;
  r.outcome = WatchOutcome::timeout;
  r.plis = {pli_in(StatutPli::enregistrement_complet), pli_in(StatutPli::enregistrement_complet),
            pli_in(StatutPli::rejet_pieces),           pli_in(StatutPli::rejet_dossier),
            pli_in(StatutPli::non_applicable),         pli_in(StatutPli::numerisation_en_cours)};
  const WatchTally t = tally(r);
  CHECK(t.complete == 2);
  CHECK(t.rejected == 3);
  CHECK(t.pending == 1);

  const WatchTally none = tally(WatchResult{});
  CHECK(none.complete + none.rejected + none.pending == 0);
}
