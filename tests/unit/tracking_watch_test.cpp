// watch_plis against the fake Service, with its sleep and clock injected: waits that double
// while nothing changes, the deadline, cancellation, transient failures retried.
#include <doctest/doctest.h>

#include "../support/fake_service.hpp"
#include "sne/tracking.hpp"

using namespace sne;
using sne::testing::FakeService;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

namespace {

constexpr const char* kHerault = "0340523004101G3401";

/// Watch options whose sleep is recorded and advances a fake clock.
struct Clockwork {
  std::vector<milliseconds> waits;
  std::chrono::steady_clock::time_point now{};
  WatchOptions options;

  Clockwork(milliseconds interval, milliseconds max_interval, milliseconds timeout) {
    options.interval = interval;
    options.max_interval = max_interval;
    options.timeout = timeout;
    options.sleep = [this](milliseconds d) {
      waits.push_back(d);
      now += d;
    };
    options.clock = [this] { return now; };
  }
};

void set_statut(FakeService& s, const std::string& transaction, StatutPli statut) {
  Pli* p = s.find(transaction);
  REQUIRE(p != nullptr);
  p->resume.statut = statut;
  p->historique.push_back({statut, s.now});
}

}  // namespace

TEST_CASE("watch_plis: waits double while nothing changes, and the last falls on the deadline") {
  FakeService s;
  const auto t = s.add_pli(kHerault, s.now);
  Clockwork c(1s, 8s, 30s);
  std::vector<WatchEvent> events;
  auto r = watch_plis(s, {t}, c.options, [&](const WatchEvent& e) { events.push_back(e); });
  REQUIRE(r.ok());
  CHECK(r->outcome == WatchOutcome::timeout);
  CHECK(c.waits == std::vector<milliseconds>{1s, 2s, 4s, 8s, 8s, 7s});
  CHECK(r->rounds == 7);
  CHECK(s.count("pli") == 7);
  REQUIRE(events.size() == 1);  // the first sighting only
  CHECK_FALSE(events[0].previous.has_value());
  REQUIRE(r->plis.size() == 1);
  CHECK(r->plis[0].resume.statut == StatutPli::numerisation_en_cours);
}

TEST_CASE("watch_plis: a change is an event, and brings the wait back to the interval") {
  FakeService s;
  const auto a = s.add_pli(kHerault, s.now);
  const auto b = s.add_pli(kHerault, s.now);
  Clockwork c(1s, 60s, 0s);
  s.before = [&](std::string_view) {
    const auto n = s.count("pli");
    if (n == 7) set_statut(s, a, StatutPli::enregistrement_complet);   // round 4
    if (n == 10) set_statut(s, b, StatutPli::enregistrement_complet);  // round 6
  };
  std::vector<WatchEvent> events;
  auto r = watch_plis(s, {a, b}, c.options, [&](const WatchEvent& e) { events.push_back(e); });
  REQUIRE(r.ok());
  CHECK(r->outcome == WatchOutcome::complete);
  // Rounds 1-4 ask both (a is final at round 4), rounds 5-6 ask b alone.
  CHECK(s.count("pli") == 10);
  CHECK(r->rounds == 6);
  CHECK(c.waits == std::vector<milliseconds>{1s, 2s, 4s, 1s, 2s});
  REQUIRE(events.size() == 4);
  CHECK(events[2].pli.resume.transaction == a);
  CHECK(events[2].previous == StatutPli::numerisation_en_cours);
  CHECK(events[3].pli.resume.statut == StatutPli::enregistrement_complet);
  REQUIRE(r->plis.size() == 2);
  CHECK(r->plis[0].resume.transaction == a);  // in the order asked
}

TEST_CASE("watch_plis: every pli final with one rejected is the rejected outcome") {
  FakeService s;
  const auto a = s.add_pli(kHerault, s.now, StatutPli::enregistrement_complet);
  const auto b = s.add_pli(kHerault, s.now, StatutPli::rejet_dossier);
  Clockwork c(1s, 8s, 0s);
  auto r = watch_plis(s, {a, b}, c.options, {});
  REQUIRE(r.ok());
  CHECK(r->outcome == WatchOutcome::rejected);
  CHECK(r->rounds == 1);
  CHECK(c.waits.empty());
}

TEST_CASE("watch_plis: cancelled during a wait, no further request") {
  FakeService s;
  const auto t = s.add_pli(kHerault, s.now);
  Clockwork c(1s, 8s, 0s);
  bool stop = false;
  c.options.cancelled = [&] { return stop; };
  c.options.sleep = [&](milliseconds) { stop = true; };
  auto r = watch_plis(s, {t}, c.options, {});
  REQUIRE(r.ok());
  CHECK(r->outcome == WatchOutcome::cancelled);
  CHECK(s.count("pli") == 1);
  CHECK(r->plis.size() == 1);
}

TEST_CASE("watch_plis: transient failures after the first sighting are retried, the wait doubled") {
  FakeService s;
  const auto t = s.add_pli(kHerault, s.now);
  Clockwork c(1s, 60s, 0s);
  s.before = [&](std::string_view) {
    const auto n = s.count("pli");
    if (n == 2) s.failures["pli"].push_back(Error(ErrorCode::network, "reset"));
    if (n == 3) s.failures["pli"].push_back(Error(ErrorCode::rate_limited, "slow down"));
    if (n == 4) set_statut(s, t, StatutPli::rejet_pieces);
  };
  std::vector<ErrorCode> retried;
  c.options.on_retry = [&](const Error& e) { retried.push_back(e.code()); };
  auto r = watch_plis(s, {t}, c.options, {});
  REQUIRE(r.ok());
  CHECK(r->outcome == WatchOutcome::rejected);
  CHECK(retried == std::vector<ErrorCode>{ErrorCode::network, ErrorCode::rate_limited});
  CHECK(c.waits == std::vector<milliseconds>{1s, 2s, 4s});
}

TEST_CASE("watch_plis: errors that waiting cannot cure end the watch") {
  SUBCASE("an unknown pli") {
    FakeService s;
    Clockwork c(1s, 8s, 0s);
    auto r = watch_plis(s, {"nosuchpli0000"}, c.options, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::not_found);
  }
  SUBCASE("a transient failure at the first sighting") {
    FakeService s;
    const auto t = s.add_pli(kHerault, s.now);
    s.failures["pli"].push_back(Error(ErrorCode::network, "down"));
    Clockwork c(1s, 8s, 0s);
    auto r = watch_plis(s, {t}, c.options, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::network);
  }
  SUBCASE("authentication lost later") {
    FakeService s;
    const auto t = s.add_pli(kHerault, s.now);
    s.before = [&](std::string_view) {
      if (s.count("pli") == 2)
        s.failures["pli"].push_back(Error(ErrorCode::unauthenticated, "expired"));
    };
    Clockwork c(1s, 8s, 0s);
    auto r = watch_plis(s, {t}, c.options, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::unauthenticated);
    CHECK(c.waits.size() == 1);
  }
}

TEST_CASE("watch_plis: refuses nothing to watch and intervals out of order") {
  FakeService s;
  Clockwork c(1s, 8s, 0s);
  auto none = watch_plis(s, {}, c.options, {});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code() == ErrorCode::invalid_input);
  c.options.interval = 0s;
  auto zero = watch_plis(s, {"abc"}, c.options, {});
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().subject() == "interval");
  c.options.interval = 10s;  // above max_interval
  CHECK_FALSE(watch_plis(s, {"abc"}, c.options, {}).ok());
  CHECK(s.calls.empty());
}
