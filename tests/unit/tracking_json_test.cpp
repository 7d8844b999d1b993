// The tableau de bord as the library writes it: JSON of deadlines, plis, counters and watches,
// and the CSV of a list, byte for byte (what `sne pli --json` and `--csv` print).
#include <doctest/doctest.h>

#include "sne/records_json.hpp"
#include "sne/tracking.hpp"

using namespace sne;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

constexpr const char* kHerault = "0340523004101G3401";

PliSummary summary(const char* sent, StatutPli statut, const char* changed) {
  PliSummary p;
  p.transaction = "abcdefghijkl";
  p.numero_unique = kHerault;
  p.guichet = "G3401";
  p.contexte = Contexte::renouvellement;
  p.statut = statut;
  p.date_transmission = at(sent);
  p.date_statut = at(changed);
  p.nb_pieces = 2;
  return p;
}

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> k;
  for (const auto& [key, value] : j.members()) k.push_back(key);
  return k;
}

}  // namespace

TEST_CASE("to_json(PliSla): every member, done null while en cours") {
  // Wednesday 2025-01-08, due Friday; judged on Tuesday 14th: 2 jours ouvrés late.
  const PliSummary p =
      summary("2025-01-08T10:00:00Z", StatutPli::numerisation_en_cours, "2025-01-08T10:00:00Z");
  CHECK(to_json(pli_sla(p, at("2025-01-14T10:00:00Z"))).dump(-1) ==
        R"({"zone":"metropole","sent":"2025-01-08","due":"2025-01-10","done":null,)"
        R"("elapsed_jours_ouvres":4,"days_late":2,"overdue":true,"late":false})");
  const PliSummary done =
      summary("2025-01-08T10:00:00Z", StatutPli::enregistrement_complet, "2025-01-09T10:00:00Z");
  CHECK(to_json(pli_sla(done, at("2025-01-14T10:00:00Z"))).dump(-1) ==
        R"({"zone":"metropole","sent":"2025-01-08","due":"2025-01-10","done":"2025-01-09",)"
        R"("elapsed_jours_ouvres":1,"days_late":0,"overdue":false,"late":false})");
}

TEST_CASE("to_json(PliSummary, now): the record, then statut_label and sla") {
  const PliSummary p =
      summary("2025-01-08T10:00:00Z", StatutPli::rejet_pieces, "2025-01-09T10:00:00Z");
  const Timestamp now = at("2025-01-14T10:00:00Z");
  const Json j = to_json(p, now);
  std::vector<std::string> expected = keys(to_json(p));
  expected.emplace_back("statut_label");
  expected.emplace_back("sla");
  CHECK(keys(j) == expected);
  const std::string text = j.dump(-1);
  CHECK(text.find(R"("statut_label":")" + std::string(info(p.statut).label) + "\"") !=
        std::string::npos);
  CHECK(text.find(R"("sla":)" + to_json(pli_sla(p, now)).dump(-1)) != std::string::npos);

  Pli full;
  full.resume = p;
  const Json f = to_json(full, now);
  std::vector<std::string> full_keys = keys(to_json(full));
  full_keys.emplace_back("statut_label");
  full_keys.emplace_back("sla");
  CHECK(keys(f) == full_keys);
}

TEST_CASE("to_json(PliStats, query): the period, then the counters") {
  std::vector<PliSummary> plis{
      summary("2025-01-08T10:00:00Z", StatutPli::enregistrement_complet, "2025-01-09T10:00:00Z"),
      summary("2025-01-08T10:00:00Z", StatutPli::rejet_dossier, "2025-01-15T10:00:00Z")};
  const PliStats s = pli_stats(plis, at("2025-01-20T10:00:00Z"));
  PliQuery q;
  q.since = at("2025-01-01T00:00:00Z");
  CHECK(to_json(s, q).dump(-1) ==
        R"({"since":"2025-01-01T00:00:00Z","until":null,"total":2,)"
        R"("by_statut":{"numerisation_en_cours":0,"rejet_pieces":0,"rejet_dossier":1,)"
        R"("enregistrement_complet":1,"non_applicable":0},"rejected":1,"renewed":2,)"
        R"("overdue":0,"late":1,"processed":2,"processing_jours_ouvres":{"median":1,"p90":5}})");
  const PliStats empty = pli_stats({}, at("2025-01-20T10:00:00Z"));
  const std::string none = to_json(empty, PliQuery{}).dump(-1);
  CHECK(none.rfind(R"({"since":null,"until":null,"total":0,)", 0) == 0);
  CHECK(none.find(R"("processing_jours_ouvres":{"median":null,"p90":null}})") != std::string::npos);
}

TEST_CASE("to_json(WatchEvent) and to_json(WatchResult)") {
  WatchEvent e;
  e.pli.resume = summary("2025-01-08T10:00:00Z", StatutPli::rejet_pieces, "2025-01-09T10:00:00Z");
  CHECK(to_json(e).dump(-1) ==
        R"({"transaction":"abcdefghijkl","numero_unique":"0340523004101G3401",)"
        R"("statut":"rejet_pieces","previous":null,"date_statut":"2025-01-09T10:00:00Z",)"
        R"("final":true})");
  e.previous = StatutPli::numerisation_en_cours;
  CHECK(to_json(e).dump(-1).find(R"("previous":"numerisation_en_cours")") != std::string::npos);

  WatchResult r;
  r.outcome = WatchOutcome::rejected;
  r.plis = {e.pli};
  CHECK(to_json(r).dump(-1) ==
        R"({"outcome":"rejected","plis":[)" + to_json(e.pli).dump(-1) + "]}");
  CHECK(to_json(WatchResult{}).dump(-1) == R"({"outcome":"complete","plis":[]})");
}

TEST_CASE("plis_csv: one header, one record per pli, RFC 4180 quoting") {
  const Timestamp now = at("2025-01-14T10:00:00Z");
  CHECK(plis_csv({}, now) ==
        "transaction,numero_unique,guichet,contexte,statut,date_transmission,date_statut,"
        "nb_pieces,sla_due,overdue,days_late\n");
  CHECK(pli_csv_columns().size() == 11);
  PliSummary late =
      summary("2025-01-08T10:00:00Z", StatutPli::numerisation_en_cours, "2025-01-08T10:00:00Z");
  PliSummary odd =
      summary("2025-01-08T10:00:00Z", StatutPli::enregistrement_complet, "2025-01-13T10:00:00Z");
  odd.transaction = "a,\"b\"";
  const std::string csv = plis_csv({late, odd}, now);
  CHECK(csv ==
        "transaction,numero_unique,guichet,contexte,statut,date_transmission,date_statut,"
        "nb_pieces,sla_due,overdue,days_late\n"
        "abcdefghijkl,0340523004101G3401,G3401,REN,numerisation_en_cours,2025-01-08T10:00:00Z,"
        "2025-01-08T10:00:00Z,2,2025-01-10,true,2\n"
        "\"a,\"\"b\"\"\",0340523004101G3401,G3401,REN,enregistrement_complet,"
        "2025-01-08T10:00:00Z,2025-01-13T10:00:00Z,2,2025-01-10,false,0\n");
}
