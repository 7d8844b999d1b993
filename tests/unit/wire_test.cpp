// The contract's JSON at the edge: a contexte is a code on the wire and a Contexte in records.
#include <doctest/doctest.h>

#include "base/json_reader.hpp"
#include "sne/records_json.hpp"
#include "wire/pli_page_reader.hpp"
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

namespace {

/// The page the strict way reads from `text` (parse, then decode_pli_page), or its error.
Result<PliPage> strict_page(std::string_view text) {
  nlohmann::json doc;
  if (auto parsed = json_reader::parse(text, doc); !parsed) return parsed.error();
  return json_reader::read([&] { return wire::decode_pli_page(json_reader::Node(doc, "")); });
}

/// A page of `n` plis in every contexte and statut, as the sandbox writes it.
PliPage sample_page(std::size_t n, std::string cursor) {
  PliPage page;
  for (std::size_t i = 0; i < n; ++i) {
    PliSummary p;
    p.transaction = "tx" + std::to_string(i);
    p.numero_unique = i % 2 == 0 ? "0340523004101G3401" : "9740523004101G9741";
    p.guichet = "G3401";
    p.contexte = contextes()[i % contextes().size()].value;
    p.statut = statuts()[i % statuts().size()].value;
    p.date_transmission = parse_timestamp("2026-10-23T23:13:00Z").value() + std::chrono::hours(i);
    p.date_statut = parse_timestamp("1999-01-02T03:04:05Z").value();
    p.nb_pieces = static_cast<int>(i * 997 % 1000001);
    page.items.push_back(p);
  }
  page.next_cursor = std::move(cursor);
  return page;
}

constexpr const char* kItem =
    R"({"contexte":"AJO","date_statut":"2026-12-07T23:43:11Z",)"
    R"("date_transmission":"2026-12-07T23:43:11Z","guichet":"G3401","nb_pieces":1,)"
    R"("numero_unique":"0340320120685G3401","statut":"numerisation_en_cours",)"
    R"("transaction":"lxaf4fcje5xzp"})";

/// kItem with `from` replaced by `to` (the first occurrence).
std::string item_with(std::string_view from, std::string_view to) {
  std::string item = kItem;
  const auto at = item.find(from);
  REQUIRE(at != std::string::npos);
  return item.replace(at, from.size(), to);
}

std::string page_of(const std::string& item, const char* cursor = "null") {
  return std::string(R"({"items":[)") + kItem + "," + item + R"(],"next_cursor":)" + cursor + "}";
}

}  // namespace

TEST_CASE("read_pli_page: the service's pages, read without a tree, as the strict way reads them") {
  for (const std::size_t n : std::initializer_list<std::size_t>{0, 1, 7, 500, 1000})
    for (const char* cursor : {"", "1761261180.tx2"}) {
      const std::string text = wire::encode_text(sample_page(n, cursor));
      const auto fast = wire::read_pli_page(text);
      REQUIRE(fast);
      CHECK(wire::encode_text(*fast) == text);
      const auto strict = strict_page(text);
      REQUIRE(strict.ok());
      CHECK(wire::encode_text(*strict) == text);
    }
}

TEST_CASE("read_pli_page: reads what it can, leaves the rest to the strict way, never disagrees") {
  const std::string item = kItem;
  struct Case {
    std::string text;
    bool fast;    // read_pli_page reads it
    bool strict;  // the strict way accepts it
  };
  const std::vector<Case> cases{
      // Read by both.
      {page_of(item), true, true},
      {page_of(item, R"("")"), true, true},
      {page_of(item, R"("c1")"), true, true},
      {"{\"items\":[]}", true, true},
      {"\r\n\t { \"next_cursor\" : null ,\n \"items\" : [ ] } \n", true, true},
      {" {\"next_cursor\":\"x\",\"items\":[" + item + " ,\t" + item + "]}  ", true, true},
      {page_of(item_with(R"("AJO")", R"("ajout")")), true, true},
      {page_of(item_with(R"("numerisation_en_cours")", R"("Rejet-Pieces")")), true, true},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces" :  0 )")), true, true},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":1000000)")), true, true},
      {page_of(item_with(R"("transaction":"lxaf4fcje5xzp")", R"("transaction":"a b/~")")), true,
       true},
      // Accepted by the strict way only: forms the fast reader leaves to it.
      {"\xEF\xBB\xBF" + page_of(item), false, true},  // a byte-order mark
      {page_of(item_with("lxaf4fcje5xzp", R"(lxaf4\u0066cje5xzp)")), false, true},
      {page_of(item_with("lxaf4fcje5xzp", "lxaf4\\/fcje5xzp")), false, true},
      {page_of(item_with("G3401\"", "G3401\xC3\xA9\"")), false, true},
      {page_of(item_with("G3401\"", "G3401\x7F\"")), false, true},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":-0)")), false, true},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":1,"motif":{"a":[1]})")), false, true},
      {R"({"items":[],"next_cursor":null,"total":0})", false, true},
      {page_of(item) + std::string(1, '\0') + "x", false, true},  // NUL ends nlohmann's input
      // Refused by the strict way: the fast reader reads none of them.
      {"", false, false},
      {"[]", false, false},
      {"{}", false, false},
      {R"({"next_cursor":null})", false, false},
      {page_of(item) + " x", false, false},
      {page_of(item) + "{}", false, false},
      {page_of(item).substr(0, 100), false, false},
      {R"({"items":[)" + item + ",]}", false, false},
      {R"({"items":[)" + item + "],}", false, false},
      {R"({"items":[],"items":[]})", false, false},
      {R"({"items":[],"next_cursor":null,"next_cursor":null})", false, false},
      {R"({"items":{}})", false, false},
      {R"({"items":[1]})", false, false},
      {R"({"items":[],"next_cursor":5})", false, false},
      {page_of(item_with(R"("guichet":"G3401",)", "")), false, false},
      {page_of(item_with(R"("guichet":"G3401")", R"("guichet":"G3401","guichet":"G3401")")), false,
       false},
      {page_of(item_with(R"("guichet":"G3401")", R"("guichet":"")")), false, false},
      {page_of(item_with(R"("guichet":"G3401")", R"("guichet":null)")), false, false},
      {page_of(item_with(R"("AJO")", R"("XYZ")")), false, false},
      {page_of(item_with(R"("numerisation_en_cours")", R"("fini")")), false, false},
      {page_of(item_with("2026-12-07T23:43:11Z", "2026-12-07 23:43:11")), false, false},
      {page_of(item_with("2026-12-07T23:43:11Z", "2026-02-30T23:43:11Z")), false, false},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":1000001)")), false, false},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":12345678)")), false, false},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":-1)")), false, false},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":01)")), false, false},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":1.0)")), false, false},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":1e2)")), false, false},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":"1")")), false, false},
      {page_of(item_with(R"("nb_pieces":1)", R"("nb_pieces":true)")), false, false},
      {page_of(item_with("lxaf4fcje5xzp", std::string("lx\0af", 5))), false, false},
      {page_of(item_with("lxaf4fcje5xzp", "lx\naf")), false, false},
      {page_of(item_with("G3401\"", "G3401\xFF\"")), false, false},
      {page_of(item, "nul"), false, false},
      {page_of(item, "nullx"), false, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto fast = wire::read_pli_page(c.text);
    const auto strict = strict_page(c.text);
    CHECK(fast.has_value() == c.fast);
    CHECK(strict.ok() == c.strict);
    if (fast) {
      REQUIRE(strict.ok());
      CHECK(wire::encode_text(*fast) == wire::encode_text(*strict));
    }
  }
  // More than 1,000 items: the strict way says so, and the fast reader leaves it to it.
  const std::string many = wire::encode_text(sample_page(1001, ""));
  CHECK_FALSE(wire::read_pli_page(many));
  REQUIRE_FALSE(strict_page(many).ok());
  CHECK(strict_page(many).error().message() == "items: more than 1000 items");
}
