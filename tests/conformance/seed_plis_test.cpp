// The volume seed (seed_sandbox_plis) as the web service shows it: the guichet's agent lists
// the plis, each with its history and pieces. Run against both backends.
#include <doctest/doctest.h>

#include <chrono>

#include "backend.hpp"
#include "sne/sandbox.hpp"

using conformance::Backend;
using namespace sne;
using namespace std::chrono_literals;

namespace {

Timestamp at(const char* iso) { return parse_timestamp(iso).value(); }

}  // namespace

TEST_SUITE("volume seed") {
  TEST_CASE("the plis seeded for a guichet are what its agent lists") {
    Backend b;
    REQUIRE(set_sandbox_clock(b.db(), at("2025-06-02T12:00:00Z")).ok());
    auto agent = b.signed_in(kSandboxAgent);
    PliFilter since;
    since.since = at("2025-06-02T12:00:00Z") - 24h * 30;
    since.limit = 500;
    auto count = [&] {
      int n = 0;
      PliFilter f = since;
      for (;;) {
        auto page = agent->plis(f);
        REQUIRE(page.ok());
        n += static_cast<int>(page->items.size());
        if (page->next_cursor.empty()) return n;
        f.cursor = page->next_cursor;
      }
    };
    const int before = count();
    SeedPlisOptions o;
    o.count = 600;
    o.days = 30;
    auto seeded = seed_sandbox_plis(b.db(), o);
    REQUIRE(seeded.ok());
    CHECK(count() == before + 600);
    // One of them, in full: its history ends with its status.
    since.limit = 1;
    since.statut = StatutPli::rejet_pieces;
    since.until = at("2025-06-02T12:00:01Z");  // the demo plis are dated after: the future
    auto page = agent->plis(since);
    REQUIRE(page.ok());
    REQUIRE(page->items.size() == 1);
    auto pli = agent->pli(page->items.front().transaction);
    REQUIRE(pli.ok());
    REQUIRE(pli->historique.size() == 2);
    CHECK(pli->historique.front().statut == StatutPli::numerisation_en_cours);
    CHECK(pli->historique.back().statut == StatutPli::rejet_pieces);
    CHECK(pli->historique.back().date == pli->resume.date_statut);
    CHECK(pli->resume.date_statut >= pli->resume.date_transmission);
    CHECK(agent->demande(pli->resume.numero_unique).ok());
    int rejected = 0;
    for (const auto& piece : pli->pieces)
      if (piece.resultat == PieceOutcome::rejetee && !piece.motif.empty()) ++rejected;
    CHECK(rejected == 1);
  }
}
