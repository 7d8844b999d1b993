#include <doctest/doctest.h>

#include "../support/fake_service.hpp"
#include "sne/report.hpp"

using namespace sne;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }
Date day(const char* iso) { return *Date::parse(iso); }

constexpr const char* kHerault = "0340523004101G3401";

PliSummary pli(const char* tx, const char* sent,
               StatutPli statut = StatutPli::numerisation_en_cours, const char* changed = nullptr) {
  PliSummary p;
  p.transaction = tx;
  p.numero_unique = kHerault;
  p.guichet = "G3401";
  p.statut = statut;
  p.date_transmission = at(sent);
  p.date_statut = at(changed != nullptr ? changed : sent);
  p.nb_pieces = 1;
  return p;
}

Pli rejected(const PliSummary& p, std::vector<std::pair<PieceOutcome, std::string>> pieces) {
  Pli d;
  d.resume = p;
  for (auto& [outcome, motif] : pieces) {
    PliPiece piece;
    piece.type = "avis_imposition";
    piece.resultat = outcome;
    piece.motif = motif;
    d.pieces.push_back(piece);
  }
  return d;
}

}  // namespace

TEST_CASE("iso_week: weeks belong to the year of their Thursday") {
  CHECK(iso_week(day("2026-01-01")).str() == "2026-W01");  // a Thursday
  CHECK(iso_week(day("2027-01-01")).str() == "2026-W53");  // a Friday: 2026 has 53 weeks
  CHECK(iso_week(day("2027-01-04")).str() == "2027-W01");
  CHECK(iso_week(day("2024-12-30")).str() == "2025-W01");  // a Monday of 2024 in 2025's week 1
  CHECK(iso_week(day("2021-01-03")).str() == "2020-W53");
  CHECK(iso_week(day("2026-11-08")).str() == "2026-W45");  // a Sunday ends its week
  CHECK(iso_week(day("2026-11-09")).str() == "2026-W46");
  CHECK(iso_week(day("2027-01-01")).monday() == day("2026-12-28"));
  CHECK(iso_week(day("2024-12-31")).monday() == day("2024-12-30"));
  for (long d = day("2019-12-20").days(); d < day("2027-01-10").days(); ++d) {
    const Date date = Date::from_days(d);
    const IsoWeek w = iso_week(date);
    CHECK(w.monday().weekday() == Weekday::monday);
    CHECK(date.days() - w.monday().days() == static_cast<long>(date.weekday()) - 1);
  }
}

TEST_CASE("report_of: an empty period has no week, no motif, no overdue pli") {
  const GuichetReport r = report_of("G3401", {}, {}, at("2026-11-20T12:00:00Z"));
  CHECK(r.guichet == "G3401");
  CHECK(r.totals.total == 0);
  CHECK(r.weeks.empty());
  CHECK(r.motifs.empty());
  CHECK(r.overdue.empty());
  CHECK(r.motifs_unread == 0);
}

TEST_CASE("report_of: weeks crossing a year, empty weeks included, by status") {
  const std::vector<PliSummary> plis{
      pli("a00000000001", "2027-01-12T09:00:00Z", StatutPli::enregistrement_complet,
          "2027-01-13T09:00:00Z"),
      pli("a00000000002", "2026-12-29T09:00:00Z", StatutPli::rejet_pieces, "2026-12-30T09:00:00Z"),
      // 23:30 UTC on Sunday 3 January is Monday 4 January in Paris: week 1 of 2027.
      pli("a00000000003", "2027-01-03T23:30:00Z", StatutPli::non_applicable,
          "2027-01-04T09:00:00Z"),
  };
  const GuichetReport r = report_of("G3401", plis, {}, at("2027-01-20T12:00:00Z"));
  REQUIRE(r.weeks.size() == 3);
  CHECK(r.weeks[0].week.str() == "2026-W53");
  CHECK(r.weeks[1].week.str() == "2027-W01");
  CHECK(r.weeks[2].week.str() == "2027-W02");
  CHECK(r.weeks[0].total == 1);
  CHECK(r.weeks[0].by_statut[static_cast<std::size_t>(StatutPli::rejet_pieces)] == 1);
  CHECK(r.weeks[1].total == 1);
  CHECK(r.weeks[1].by_statut[static_cast<std::size_t>(StatutPli::non_applicable)] == 1);
  // "Non applicable" has no processing time.
  CHECK(r.weeks[1].processed == 0);
  CHECK_FALSE(r.weeks[1].median_jours_ouvres);
  CHECK(r.weeks[2].processed == 1);
  CHECK(r.totals.total == 3);
  // The rejected pli's detail was not read.
  CHECK(r.motifs_unread == 1);
}

TEST_CASE("report_of: median and 90th percentile per week by nearest rank, with few values") {
  // Monday 5 October 2026, Hérault: no holiday that week or the next.
  std::vector<PliSummary> plis{
      pli("b00000000001", "2026-10-05T08:00:00Z", StatutPli::enregistrement_complet,
          "2026-10-05T15:00:00Z"),  // 0 j.o.
  };
  GuichetReport r = report_of("G3401", plis, {}, at("2026-10-20T12:00:00Z"));
  REQUIRE(r.weeks.size() == 1);
  CHECK(r.weeks[0].median_jours_ouvres == 0L);
  CHECK(r.weeks[0].p90_jours_ouvres == 0L);

  plis.push_back(pli("b00000000002", "2026-10-05T09:00:00Z", StatutPli::enregistrement_complet,
                     "2026-10-06T09:00:00Z"));  // 1 j.o.
  r = report_of("G3401", plis, {}, at("2026-10-20T12:00:00Z"));
  REQUIRE(r.weeks.size() == 1);
  CHECK(r.weeks[0].median_jours_ouvres == 0L);  // of two, the lower: rank ceil(1) = 1
  CHECK(r.weeks[0].p90_jours_ouvres == 1L);
  plis.push_back(pli("b00000000003", "2026-10-05T10:00:00Z", StatutPli::rejet_dossier,
                     "2026-10-12T09:00:00Z"));  // 5 j.o., late
  r = report_of("G3401", plis, {}, at("2026-10-20T12:00:00Z"));
  REQUIRE(r.weeks.size() == 1);
  CHECK(r.weeks[0].processed == 3);
  CHECK(r.weeks[0].median_jours_ouvres == 1L);  // rank ceil(1.5) = 2 of {0, 1, 5}
  CHECK(r.weeks[0].p90_jours_ouvres == 5L);     // rank ceil(2.7) = 3
  CHECK(r.weeks[0].late == 1);
  // The same rule as the dashboard's counters.
  CHECK(r.totals.median_jours_ouvres == r.weeks[0].median_jours_ouvres);
  CHECK(r.totals.p90_jours_ouvres == r.weeks[0].p90_jours_ouvres);
}

TEST_CASE("report_of: overdue plis with their due day, most late first") {
  const std::vector<PliSummary> plis{
      pli("c00000000001", "2026-10-07T09:00:00Z"),  // due Friday 9, 1 j.o. late on the 12th
      pli("c00000000002", "2026-10-05T09:00:00Z"),  // due Wednesday 7, 3 j.o. late
      pli("c00000000003", "2026-10-09T09:00:00Z"),  // due Tuesday 13: not yet
      pli("c00000000004", "2026-10-01T09:00:00Z", StatutPli::enregistrement_complet,
          "2026-10-09T09:00:00Z"),  // late, but done: not overdue
  };
  const GuichetReport r = report_of("G3401", plis, {}, at("2026-10-12T12:00:00Z"));
  REQUIRE(r.overdue.size() == 2);
  CHECK(r.overdue[0].transaction == "c00000000002");
  CHECK(r.overdue[0].due == day("2026-10-07"));
  CHECK(r.overdue[0].sent == day("2026-10-05"));
  CHECK(r.overdue[0].days_late == 3);
  CHECK(r.overdue[0].numero_unique == kHerault);
  CHECK(r.overdue[1].transaction == "c00000000001");
  CHECK(r.overdue[1].due == day("2026-10-09"));
  CHECK(r.overdue[1].days_late == 1);
  CHECK(r.totals.overdue == 2);
}

TEST_CASE("report_of: rejections by motif count plis once and pieces each") {
  const PliSummary p1 =
      pli("d00000000001", "2026-10-05T09:00:00Z", StatutPli::rejet_pieces, "2026-10-06T09:00:00Z");
  const PliSummary p2 =
      pli("d00000000002", "2026-10-05T10:00:00Z", StatutPli::rejet_dossier, "2026-10-06T09:00:00Z");
  const PliSummary p3 =
      pli("d00000000003", "2026-10-05T11:00:00Z", StatutPli::rejet_pieces, "2026-10-06T09:00:00Z");
  const std::vector<Pli> details{
      rejected(p1, {{PieceOutcome::rejetee, "Pièce illisible"},
                    {PieceOutcome::acceptee, ""},
                    {PieceOutcome::rejetee, "Pièce illisible"}}),
      rejected(p2, {{PieceOutcome::rejetee, "Dossier rejeté"}, {PieceOutcome::rejetee, ""}}),
  };
  const GuichetReport r = report_of("G3401", {p1, p2, p3}, details, at("2026-10-20T12:00:00Z"));
  REQUIRE(r.motifs.size() == 3);
  CHECK(r.motifs[0].motif == "(sans motif)");  // ties: by motif
  CHECK(r.motifs[1].motif == "Dossier rejeté");
  CHECK(r.motifs[2].motif == "Pièce illisible");
  CHECK(r.motifs[2].plis == 1);
  CHECK(r.motifs[2].pieces == 2);
  CHECK(r.motifs_unread == 1);  // p3
}

TEST_CASE("escape_html: markup, quotes, control characters and bad UTF-8") {
  CHECK(escape_html("<script>alert(\"x\")</script> & 'y'") ==
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
  CHECK(escape_html("Pièce illisible\t(1)\n") == "Pièce illisible\t(1)\n");
  CHECK(escape_html(std::string("a\0b\x1b[31mc\x7f", 11)) == "ab[31mc");
  CHECK(escape_html("\xff\xc3") == "\uFFFD\uFFFD");
  CHECK(escape_html("") == "");
}

TEST_CASE("report_html: data is escaped in the page and the charts") {
  const PliSummary p =
      pli("e00000000001", "2026-10-05T09:00:00Z", StatutPli::rejet_pieces, "2026-10-06T09:00:00Z");
  PliReport report;
  report.now = at("2026-10-20T12:00:00Z");
  report.all = report_of(
      "G<b>", {p}, {rejected(p, {{PieceOutcome::rejetee, "<script>alert('motif')</script>"}})},
      report.now);
  const std::string html = report_html(report);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;motif&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("G<b>") == std::string::npos);
  CHECK(html.find("G&lt;b&gt;") != std::string::npos);
  const auto charts = report_charts(report);
  REQUIRE(charts.size() == 3);
  CHECK(charts[0].file_name == "plis-par-semaine.svg");
  CHECK(charts[1].file_name == "temps-de-traitement.svg");
  CHECK(charts[2].file_name == "rejets-par-motif.svg");
  for (const auto& c : charts) {
    CHECK(c.svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(c.svg.find("<script") == std::string::npos);
    CHECK(html.find(c.svg) != std::string::npos);  // inline in the page
  }
  // No reference to anything outside the page.
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
}

TEST_CASE("report_html: an empty report says so in each chart") {
  PliReport report;
  report.now = at("2026-10-20T12:00:00Z");
  report.all = report_of("G3401", {}, {}, report.now);
  const std::string html = report_html(report);
  CHECK(html.find("Aucun pli sur la période") != std::string::npos);
  CHECK(html.find("Aucun pli traité sur la période") != std::string::npos);
  CHECK(html.find("Aucun rejet sur la période") != std::string::npos);
  CHECK(html.find("Aucun pli en retard.") != std::string::npos);
}

TEST_CASE("pli_report: a Service of the caller's own gets its motifs from each rejected pli") {
  // Not the library's service: it cannot count motifs itself, so the report reads the detail
  // of each rejected pli (and of no other), up to motifs_limit.
  testing::FakeService fake;
  fake.now = at("2026-10-20T12:00:00Z");
  const std::string p1 =
      fake.add_pli(kHerault, at("2026-10-05T09:00:00Z"), StatutPli::rejet_pieces);
  fake.add_pli(kHerault, at("2026-10-05T10:00:00Z"), StatutPli::enregistrement_complet);
  const std::string p3 =
      fake.add_pli(kHerault, at("2026-10-05T11:00:00Z"), StatutPli::rejet_dossier);
  for (const auto& [tx, motif] : {std::pair{p1, "Pièce illisible"}, std::pair{p3, ""}}) {
    PliPiece& piece = fake.find(tx)->pieces.front();
    piece.resultat = PieceOutcome::rejetee;
    piece.motif = motif;
  }
  PliReportQuery query;
  auto report = pli_report(fake, query);
  REQUIRE(report.ok());
  CHECK(fake.count("pli") == 2);
  REQUIRE(report->all.motifs.size() == 2);
  CHECK(report->all.motifs[0].motif == "(sans motif)");
  CHECK(report->all.motifs[1].motif == "Pièce illisible");
  CHECK(report->all.motifs[1].pieces == 1);
  CHECK(report->all.motifs_unread == 0);

  query.motifs_limit = 1;
  fake.calls.clear();
  report = pli_report(fake, query);
  REQUIRE(report.ok());
  CHECK(fake.count("pli") == 1);
  CHECK(report->all.motifs.size() == 1);
  CHECK(report->all.motifs_unread == 1);

  // A failure reading a detail is the report's.
  query.motifs_limit = 100;
  fake.failures["pli"].push_back(Error(ErrorCode::network, "down"));
  report = pli_report(fake, query);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code() == ErrorCode::network);
}
