// The tableau de bord as the library writes it: JSON of deadlines, plis, counters and watches,
// and the CSV of a list, byte for byte (what `sne pli --json` and `--csv` print).
#include <doctest/doctest.h>

#include "sne/contexte.hpp"
#include "sne/records_json.hpp"
#include "sne/statut.hpp"
#include "sne/tracking.hpp"
#include "sne/tracking_json.hpp"

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

namespace {

/// `text` with every line after the first indented by `spaces` more: a value written by
/// Json::dump(2) as it stands deeper in a document.
std::string deeper(const std::string& text, std::size_t spaces) {
  std::string out;
  for (const char c : text) {
    out += c;
    if (c == '\n') out.append(spaces, ' ');
  }
  return out;
}

}  // namespace

TEST_CASE("append_json(PliSummary, now): the bytes of to_json(pli, now), without the Json") {
  // Every contexte and statut; en cours, processed in time, late, overdue and not yet due;
  // four calendar zones (a malformed numéro counts as metropole); strings that need escaping
  // or replacing (quotes, control characters, DEL, non-ASCII, invalid UTF-8); odd counts.
  const std::vector<std::pair<const char*, const char*>> instants{
      {"2025-01-08T10:00:00Z", "2025-01-09T10:00:00Z"},  // processed the next day
      {"2025-01-08T10:00:00Z", "2025-01-20T10:00:00Z"},  // processed late
      {"2025-04-17T21:59:59Z", "2025-04-17T22:00:00Z"},  // eve of Good Friday, local midnight
      {"1970-01-01T00:00:00Z", "2200-12-31T23:59:59Z"},
  };
  const std::vector<Timestamp> nows{at("2025-01-08T12:00:00Z"), at("2025-01-14T10:00:00Z"),
                                    at("2026-12-08T00:00:00Z")};
  const std::vector<std::string> numeros{"0340523004101G3401", "0570523004101G5701",
                                         "9740523004101G9741", "not a numéro"};
  const std::vector<std::string> odd{"abcdefghijkl",
                                     "a\"b\\c/d",
                                     std::string("nul\0tab\t\x01\x1f", 10),
                                     "del\x7f\n\r\b\f",
                                     "été ✓ \xF0\x9F\x98\x80",
                                     "bad \xff \xc3 \xe2\x82",
                                     ""};
  std::size_t compared = 0;
  for (const auto& c : contextes())
    for (const auto& st : statuts())
      for (const auto& [sent, changed] : instants)
        for (std::size_t k = 0; k < numeros.size(); ++k) {
          PliSummary p = summary(sent, st.value, changed);
          p.contexte = c.value;
          p.numero_unique = numeros[k];
          p.transaction = odd[(compared + k) % odd.size()];
          p.guichet = odd[(compared + 3) % odd.size()];
          p.nb_pieces = static_cast<int>(compared % 5) - 1;  // -1 to 3
          for (const Timestamp now : nows) {
            const Json j = to_json(p, now);
            const std::string text = j.dump(2);
            for (int depth = -1; depth <= 3; ++depth) {
              std::string out = "kept";  // appended to, never replaced
              append_json(out, p, now, depth);
              CHECK(out == "kept" + deeper(text, 2 * static_cast<std::size_t>(std::max(depth, 0))));
            }
            // As an item of the array `sne pli list --json` prints.
            std::string item;
            append_json(item, p, now, 1);
            CHECK(Json::array().push(j).dump(2) == "[\n  " + item + "\n]");
            ++compared;
          }
        }
  CHECK(compared ==
        contextes().size() * statuts().size() * instants.size() * numeros.size() * nows.size());
  // The variants above reach every value of the sla's flags.
  bool overdue = false, late = false, done_null = false;
  for (const auto& st : statuts()) {
    const PliSla s = pli_sla(summary("2025-01-08T10:00:00Z", st.value, "2025-01-20T10:00:00Z"),
                             at("2025-01-14T10:00:00Z"));
    overdue = overdue || s.overdue;
    late = late || s.late;
    done_null = done_null || !s.done;
  }
  CHECK((overdue && late && done_null));
}
