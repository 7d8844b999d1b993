// The volume seed (seed_sandbox_plis) as the web service shows it: the guichet's agent lists
// the plis, each with its history and pieces. Run against both backends.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "backend.hpp"
#include "sne/report.hpp"
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

  TEST_CASE("the report's motifs, counted by the service, are those of each rejected pli") {
    Backend b;
    REQUIRE(set_sandbox_clock(b.db(), at("2025-06-02T12:00:00Z")).ok());
    SeedPlisOptions o;
    o.count = 600;
    o.days = 60;
    REQUIRE(seed_sandbox_plis(b.db(), o).ok());
    auto agent = b.signed_in(kSandboxAgent);
    // The same numbers from the details, as a Service of an editor's own would give them.
    auto from_details = [&](const PliReportQuery& query) {
      PliQuery q;
      q.since = query.since;
      q.max = 0;
      auto list = list_plis(*agent, q);
      REQUIRE(list.ok());
      std::vector<PliSummary> kept;
      std::vector<Pli> details;
      for (const auto& p : list->items) {
        if (!query.statuts.empty() &&
            std::find(query.statuts.begin(), query.statuts.end(), p.statut) == query.statuts.end())
          continue;
        kept.push_back(p);
        if (!info(p.statut).rejected) continue;
        auto d = agent->pli(p.transaction);
        REQUIRE(d.ok());
        details.push_back(*d);
      }
      return report_of("G3401", kept, details, list->now);
    };
    std::vector<PliReportQuery> queries(4);
    queries[1].since = at("2025-06-02T12:00:00Z") - 24h * 20;
    queries[2].statuts = {StatutPli::rejet_dossier, StatutPli::enregistrement_complet,
                          StatutPli::rejet_pieces};
    queries[3].statuts = {StatutPli::enregistrement_complet};
    for (const auto& query : queries) {
      auto report = pli_report(*agent, query);
      REQUIRE(report.ok());
      const GuichetReport expected = from_details(query);
      CHECK(report->all.totals.rejected == expected.totals.rejected);
      CHECK(report->all.motifs_unread == 0);
      REQUIRE(report->all.motifs.size() == expected.motifs.size());
      for (std::size_t i = 0; i < expected.motifs.size(); ++i) {
        CHECK(report->all.motifs[i].motif == expected.motifs[i].motif);
        CHECK(report->all.motifs[i].plis == expected.motifs[i].plis);
        CHECK(report->all.motifs[i].pieces == expected.motifs[i].pieces);
      }
    }
    CHECK_FALSE(pli_report(*agent, queries[0]).value().all.motifs.empty());
    CHECK(pli_report(*agent, queries[3]).value().all.motifs.empty());
  }
}
