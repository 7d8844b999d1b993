// list_plis against the fake Service: the service's pages followed as far as the query needs,
// its filters passed on, the overdue filter applied by the client.
#include <doctest/doctest.h>

#include "../support/fake_service.hpp"
#include "sne/tracking.hpp"

using namespace sne;
using sne::testing::FakeService;
using namespace std::chrono_literals;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

constexpr const char* kHerault = "0340523004101G3401";
constexpr const char* kMoselle = "0570523004101G5701";

/// `n` plis of Hérault en cours, one an hour back from 2024-03-01T12:00:00Z.
void seed(FakeService& s, int n) {
  for (int i = 0; i < n; ++i)
    s.add_pli(kHerault, at("2024-03-01T12:00:00Z") - std::chrono::hours(i));
}

}  // namespace

TEST_CASE("list_plis: max 0 follows every page of the service, newest first") {
  FakeService s;
  seed(s, 1203);
  std::vector<std::size_t> kept;
  auto list = list_plis(s, PliQuery{{}, {}, {}, {}, {}, false, 0},
                        [&](std::size_t k) { kept.push_back(k); });
  REQUIRE(list.ok());
  CHECK(list->items.size() == 1203);
  CHECK_FALSE(list->more);
  CHECK(list->pages == 3);
  CHECK(kept == std::vector<std::size_t>{500, 1000, 1203});
  REQUIRE(s.filters.size() == 3);
  CHECK(s.filters[0].limit == 500);
  CHECK(s.filters[0].cursor.empty());
  CHECK(s.filters[1].cursor == "500");
  CHECK(s.filters[2].cursor == "1000");
  CHECK(list->items.front().date_transmission == at("2024-03-01T12:00:00Z"));
  CHECK(list->items.front().date_transmission > list->items.back().date_transmission);
}

TEST_CASE("list_plis: max asks one more than it keeps, to know whether more follow") {
  FakeService s;
  seed(s, 60);
  PliQuery q;
  q.max = 50;
  auto list = list_plis(s, q);
  REQUIRE(list.ok());
  CHECK(list->items.size() == 50);
  CHECK(list->more);
  CHECK(list->pages == 1);
  REQUIRE(s.filters.size() == 1);
  CHECK(s.filters[0].limit == 51);

  FakeService exact;
  seed(exact, 3);
  q.max = 3;
  auto all = list_plis(exact, q);
  REQUIRE(all.ok());
  CHECK(all->items.size() == 3);
  CHECK_FALSE(all->more);
}

TEST_CASE("list_plis: a service with smaller pages is followed until max is reached") {
  FakeService s;
  s.page_max = 20;
  seed(s, 100);
  PliQuery q;
  q.max = 45;
  auto list = list_plis(s, q);
  REQUIRE(list.ok());
  CHECK(list->items.size() == 45);
  CHECK(list->more);
  CHECK(list->pages == 3);
}

TEST_CASE("list_plis: the query's filters go to the service") {
  FakeService s;
  seed(s, 5);
  s.add_pli(kMoselle, at("2024-02-20T10:00:00Z"), StatutPli::rejet_dossier);
  PliQuery q;
  q.statut = StatutPli::rejet_dossier;
  q.numero_unique = kMoselle;
  q.contexte = Contexte::ajout;
  q.since = at("2024-02-01T00:00:00Z");
  q.until = at("2024-03-01T00:00:00Z");
  auto list = list_plis(s, q);
  REQUIRE(list.ok());
  REQUIRE(list->items.size() == 1);
  CHECK(list->items[0].numero_unique == kMoselle);
  REQUIRE(s.filters.size() == 1);
  const PliFilter& f = s.filters[0];
  CHECK(f.statut == StatutPli::rejet_dossier);
  CHECK(f.numero_unique == kMoselle);
  CHECK(f.contexte == Contexte::ajout);
  CHECK(f.since == q.since);
  CHECK(f.until == q.until);
  CHECK(f.idempotency_key.empty());
}

TEST_CASE(
    "list_plis: overdue keeps plis en cours past their deadline, judged at the service's now") {
  FakeService s;
  s.now = at("2024-03-15T10:00:00Z");                                 // a Friday
  const auto late = s.add_pli(kHerault, at("2024-03-01T10:00:00Z"));  // due on 03-05
  s.add_pli(kHerault, at("2024-03-14T10:00:00Z"));                    // due on 03-18
  s.add_pli(kHerault, at("2024-03-01T09:00:00Z"), StatutPli::enregistrement_complet);
  PliQuery q;
  q.overdue_only = true;
  q.max = 10;
  auto list = list_plis(s, q);
  REQUIRE(list.ok());
  REQUIRE(list->items.size() == 1);
  CHECK(list->items[0].transaction == late);
  CHECK(list->now == s.now);
  REQUIRE(s.filters.size() == 1);
  CHECK(s.filters[0].statut == StatutPli::numerisation_en_cours);
  CHECK(s.filters[0].limit == 500);  // a client-side filter needs full pages

  // A final status cannot be overdue: the service is not even asked.
  q.statut = StatutPli::enregistrement_complet;
  auto none = list_plis(s, q);
  REQUIRE(none.ok());
  CHECK(none->items.empty());
  CHECK(none->pages == 0);
  CHECK(s.filters.size() == 1);
}

TEST_CASE("list_plis: the service's error on any page ends the list") {
  FakeService s;
  seed(s, 30);
  s.page_max = 10;
  s.failures["plis"].push_back(Error(ErrorCode::network, "no route"));
  auto first = list_plis(s, PliQuery{});
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code() == ErrorCode::network);

  // The first page passes, the second fails.
  s.calls.clear();
  s.before = [&](std::string_view) {
    if (s.count("plis") == 2) s.failures["plis"].push_back(Error(ErrorCode::forbidden, "no"));
  };
  auto second = list_plis(s, PliQuery{{}, {}, {}, {}, {}, false, 0});
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code() == ErrorCode::forbidden);
  CHECK(s.count("plis") == 2);
}

TEST_CASE("list_plis: a service answering the same cursor twice is an error, not a loop") {
  struct Stuck : FakeService {
    Result<PliPage> plis(const PliFilter& filter) override {
      auto page = FakeService::plis(filter);
      if (page) page->next_cursor = "1";
      return page;
    }
  } s;
  seed(s, 3);
  s.page_max = 1;
  auto list = list_plis(s, PliQuery{{}, {}, {}, {}, {}, false, 0});
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().code() == ErrorCode::server);
  CHECK(list.error().subject() == "next_cursor");
  CHECK(s.count("plis") == 2);
}
