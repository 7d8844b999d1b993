// The contract's JSON at the edge: a contexte is a code on the wire and a Contexte in records.
#include <doctest/doctest.h>

#include "base/json_reader.hpp"
#include "sne/records_json.hpp"
#include "wire/wire.hpp"

using namespace sne;

namespace {

Result<PliInput> decode_input(const char* text) {
  const auto doc = nlohmann::json::parse(text);
  return json_reader::read([&] { return wire::decode_pli_input(json_reader::Node(doc, "")); });
}

Result<PliSummary> decode_summary(const char* text) {
  const auto doc = nlohmann::json::parse(text);
  return json_reader::read([&] { return wire::decode_pli_summary(json_reader::Node(doc, "")); });
}

constexpr const char* kPiece =
    R"({"type": "recu_hotel", "nom_fichier": "a.pdf", "upload_id": "u1"})";

}  // namespace

TEST_CASE("wire: a pli's contexte is sent as its code") {
  PliInput in;
  in.contexte = Contexte::mise_a_jour;
  CHECK(wire::encode(in).at("contexte") == "MAJ");
  PliSummary p;
  p.contexte = Contexte::renouvellement;
  CHECK(wire::encode(p).at("contexte") == "REN");
}

TEST_CASE("wire: a pli body's contexte is read as a code or a name") {
  for (const char* text : {"AJO", "ajout", "mise-a-jour", "cre"}) {
    const std::string body =
        std::string(R"({"contexte": ")") + text + R"(", "pieces": [)" + kPiece + "]}";
    auto in = decode_input(body.c_str());
    REQUIRE_MESSAGE(in.ok(), text);
  }
  CHECK(decode_input(
            (std::string(R"({"contexte": "mise_a_jour", "pieces": [)") + kPiece + "]}").c_str())
            ->contexte == Contexte::mise_a_jour);
}

TEST_CASE("wire: an unknown contexte in a pli body is refused, naming the member") {
  auto in =
      decode_input((std::string(R"({"contexte": "XYZ", "pieces": [)") + kPiece + "]}").c_str());
  REQUIRE_FALSE(in.ok());
  CHECK(in.error().code() == ErrorCode::invalid_input);
  CHECK(in.error().subject() == "contexte");
  CHECK(in.error().message().find("unknown contexte 'XYZ'") != std::string::npos);
}

TEST_CASE("wire: a pli summary's contexte code becomes the enum; an unknown one is refused") {
  const char* summary = R"({"transaction": "abcdefghijkl", "numero_unique": "0340819000040PWP01",
    "guichet": "PWP01", "contexte": "REN", "statut": "numerisation_en_cours",
    "date_transmission": "2025-01-02T10:00:00Z", "date_statut": "2025-01-02T10:00:00Z",
    "nb_pieces": 1})";
  auto p = decode_summary(summary);
  REQUIRE(p.ok());
  CHECK(p->contexte == Contexte::renouvellement);
  std::string bad = summary;
  bad.replace(bad.find("\"REN\""), 5, "\"XXX\"");
  auto q = decode_summary(bad.c_str());
  REQUIRE_FALSE(q.ok());
  CHECK(q.error().subject() == "contexte");
}

TEST_CASE("wire: a demandeur's date de naissance is a Date; a malformed one is refused") {
  Demande d;
  d.numero_unique = "0340819000040PWP01";
  d.territoire = "034";
  d.demandeur = {"Martin", "Léa", Date::from_ymd(1985, 3, 14).value()};
  CHECK(wire::encode(d).at("demandeur").at("date_naissance") == "1985-03-14");

  auto decode = [](const std::string& birth) {
    const auto doc = nlohmann::json::parse(
        R"({"numero_unique": "0340819000040PWP01", "territoire": "034", "demandeur": {"nom": "Martin",
        "prenom": "Léa", "date_naissance": ")" +
        birth + R"("}, "date_radiation": null, "pieces": []})");
    return json_reader::read([&] { return wire::decode_demande(json_reader::Node(doc, "")); });
  };
  auto ok = decode("1985-03-14");
  REQUIRE(ok.ok());
  CHECK(ok->demandeur.date_naissance == Date::from_ymd(1985, 3, 14).value());
  auto bad = decode("14/03/1985");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().subject() == "demandeur.date_naissance");
}

TEST_CASE("wire: a page of plis written as text is what its JSON tree dumps") {
  PliPage page;
  CHECK(wire::encode_text(page) == wire::encode(page).dump());
  for (int i = 0; i < 3; ++i) {
    PliSummary p;
    p.transaction = "tx" + std::to_string(i);
    p.numero_unique = "0340523004101G3401";
    // Strings the contract never holds from the sandbox, escaped all the same.
    p.guichet = i == 1 ? std::string("G\"3\\4\n\t\x01\x1f é", 13) : "G3401";
    p.contexte = Contexte::renouvellement;
    p.statut = StatutPli::rejet_pieces;
    p.date_transmission = parse_timestamp("2026-10-23T23:13:00Z").value();
    p.date_statut = parse_timestamp("1999-01-02T03:04:05Z").value();
    p.nb_pieces = i * 7;
    page.items.push_back(p);
  }
  CHECK(wire::encode_text(page) == wire::encode(page).dump());
  page.next_cursor = "1761261180.tx2";
  CHECK(wire::encode_text(page) == wire::encode(page).dump());
}

TEST_CASE("records_json: a pli summary's public JSON is the contract's, member for member") {
  PliSummary p;
  p.transaction = "u7yi6rbhdn9wc";
  p.numero_unique = "0340321436636G3401";
  p.guichet = std::string("G\"3\\4\n\x01 é", 10);
  for (const auto& c : contextes())
    for (const auto& s : statuts()) {
      p.contexte = c.value;
      p.statut = s.value;
      p.date_transmission = parse_timestamp("2026-10-23T23:13:00Z").value();
      p.date_statut = parse_timestamp("2026-10-27T08:00:59Z").value();
      p.nb_pieces = static_cast<int>(s.code.size());
      CHECK(to_json(p).dump(-1) == wire::encode(p).dump());
    }
}
