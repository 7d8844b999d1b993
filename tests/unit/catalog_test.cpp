#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "sne/catalog.hpp"

using namespace sne;

namespace {

// A minimal valid document; tests break one thing at a time.
const char* kMinimal = R"({
  "schema": 1, "version": "test-1", "source": "tests",
  "defaults": {"formats": ["pdf", "png"], "max_bytes": 1000, "max_pieces": 2},
  "rubriques": [
    {"code": "identite", "label": "Identité du demandeur", "types": [
      {"code": "piece_identite", "label": "Carte d'identité", "perimetre": "reglementaire",
       "required": "enregistrement", "validity": {"rule": "unexpired"}, "sensitive": false},
      {"code": "avis", "label": "Avis", "perimetre": "reglementaire",
       "validity": {"rule": "tax_year", "years_back": [2, 1]}, "sensitive": false,
       "formats": ["pdf"], "max_bytes": 50, "max_pieces": 1}
    ]}
  ]
})";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

std::string error_of(const std::string& text) {
  auto c = Catalog::from_json(text, "test.json");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code() == ErrorCode::invalid_input);
  return c.error().message();
}

}  // namespace

TEST_CASE("catalog: the built-in catalog loads and follows the arrêté's rubriques") {
  const Catalog& c = Catalog::builtin();
  CHECK_FALSE(c.version().empty());
  CHECK(c.type_count() >= 30);
  std::set<std::string> rubriques;
  for (const auto& r : c.rubriques()) rubriques.insert(r.code);
  for (const char* r : {"identite", "situation_familiale", "situation_professionnelle",
                        "ressources", "logement_actuel", "motifs", "handicap"})
    CHECK_MESSAGE(rubriques.count(r) == 1, r);
}

TEST_CASE("catalog: the built-in catalog carries the types the PWP shows") {
  const Catalog& c = Catalog::builtin();
  const auto* id = c.find_type("piece_identite");
  REQUIRE(id != nullptr);
  CHECK(id->label == "Carte d'identité ou passeport du demandeur");
  CHECK(id->rubrique == "identite");
  CHECK(id->required == Requirement::enregistrement);
  CHECK(id->validity.kind == ValidityRule::Kind::unexpired);
  CHECK(id->max_pieces == 2);
  CHECK(id->max_bytes == 10u * 1024 * 1024);
  CHECK(id->formats == std::vector<Format>{Format::pdf, Format::jpeg, Format::png});

  const auto* avis = c.find_type("avis_imposition");
  REQUIRE(avis != nullptr);
  CHECK(avis->required == Requirement::instruction);
  CHECK(avis->validity.kind == ValidityRule::Kind::tax_year);
  CHECK(avis->validity.years_back == std::vector<int>{2, 1});

  CHECK(c.find_type("carte_etudiant")->rubrique == "situation_professionnelle");
  CHECK(c.find_type("recu_hotel")->label == "Reçu d'hôtel");
  CHECK(c.find_type("besoins_adaptation")->sensitive);
  CHECK(c.find_type("jugement_divorce")->rubrique == "motifs");
  CHECK(c.find_type("carte_invalidite")->rubrique == "handicap");
  CHECK(c.find_type("nope") == nullptr);
}

TEST_CASE("catalog: both périmètres and every validity rule occur in the built-in catalog") {
  std::set<Perimetre> perimetres;
  std::set<ValidityRule::Kind> rules;
  for (const auto& r : Catalog::builtin().rubriques())
    for (const auto& t : r.types) {
      perimetres.insert(t.perimetre);
      rules.insert(t.validity.kind);
      CHECK(t.rubrique == r.code);
      CHECK_FALSE(t.label.empty());
    }
  CHECK(perimetres.size() == 2);
  CHECK(rules.size() == 4);
}

TEST_CASE("catalog: to_json round-trips") {
  const Catalog& c = Catalog::builtin();
  auto again = Catalog::from_json(c.to_json(), "round-trip");
  REQUIRE(again.ok());
  CHECK(again->to_json() == c.to_json());
  CHECK(again->type_count() == c.type_count());

  auto minimal = Catalog::from_json(kMinimal);
  REQUIRE(minimal.ok());
  auto back = Catalog::from_json(minimal->to_json());
  REQUIRE(back.ok());
  const auto* avis = back->find_type("avis");
  CHECK(avis->max_bytes == 50);
  CHECK(avis->max_pieces == 1);
  CHECK(avis->formats == std::vector<Format>{Format::pdf});
  CHECK(back->find_type("piece_identite")->max_bytes == 1000);  // default applied
}

TEST_CASE("catalog: syntax errors give line and column") {
  CHECK(error_of("{\n  \"schema\": 1,\n  oops\n}")
            .rfind("test.json: line 3, column 3: invalid JSON", 0) == 0);
  CHECK(error_of("").rfind("test.json: line 1, column 1: invalid JSON", 0) == 0);
}

TEST_CASE("catalog: shape errors name the JSON path and the reason") {
  CHECK(error_of(replaced(kMinimal, "\"max_pieces\": 1}", "\"max_pieces\": 0}")) ==
        "test.json: rubriques[0].types[1].max_pieces: expected an integer from 1 to 20, found 0");
  CHECK(error_of(replaced(kMinimal, "\"perimetre\": \"reglementaire\",\n       \"required\"",
                          "\"perimetre\": \"maybe\",\n       \"required\"")) ==
        "test.json: rubriques[0].types[0].perimetre: unknown value 'maybe' (expected "
        "reglementaire, hors_perimetre)");
  CHECK(error_of(replaced(kMinimal, "\"years_back\": [2, 1]", "\"years_back\": []")) ==
        "test.json: rubriques[0].types[1].validity.years_back: expected at least one year offset");
  CHECK(error_of(replaced(kMinimal, "{\"rule\": \"unexpired\"}",
                          "{\"rule\": \"unexpired\", \"months\": 3}")) ==
        "test.json: rubriques[0].types[0].validity.months: unknown key (misspelt, or from a newer "
        "schema?)");
  CHECK(error_of(replaced(kMinimal, "\"sensitive\": false}", "\"sensitive\": \"no\"}")) ==
        "test.json: rubriques[0].types[0].sensitive: expected true or false, found a string");
  CHECK(error_of(replaced(kMinimal, "\"code\": \"avis\"", "\"code\": \"piece_identite\"")) ==
        "test.json: rubriques[0].types[1].code: type 'piece_identite' is defined twice");
  CHECK(error_of(replaced(kMinimal, "\"code\": \"avis\"", "\"code\": \"Avis\"")) ==
        "test.json: rubriques[0].types[1].code: 'Avis' is not a code: lower-case ASCII letters, "
        "digits and '_', starting with a letter");
  CHECK(error_of(replaced(kMinimal, "\"schema\": 1", "\"schema\": 2")) ==
        "test.json: schema: schema 2 is not supported (this libsne reads schema 1)");
  CHECK(error_of(replaced(kMinimal, "\"formats\": [\"pdf\", \"png\"]",
                          "\"formats\": [\"pdf\", \"gif\"]")) ==
        "test.json: defaults.formats[1]: unknown value 'gif' (expected pdf, jpeg, png)");
  CHECK(error_of(replaced(kMinimal, "\"version\": \"test-1\", ", "")) ==
        "test.json: missing key 'version'");
  CHECK(error_of("[]") == "test.json: expected an object, found an array");
}

TEST_CASE("catalog: the error subject is the JSON path") {
  auto c = Catalog::from_json(replaced(kMinimal, "\"max_bytes\": 50", "\"max_bytes\": -5"), "x");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().subject() == "rubriques[0].types[1].max_bytes");
}

TEST_CASE("catalog: numbers beyond a double and repeated keys are input errors, not exceptions") {
  CHECK(error_of("{\"schema\": 1e400}") ==
        "test.json: invalid JSON (number overflow parsing '1e400')");
  CHECK(error_of("{\"schema\": -1e400}").find("number overflow") != std::string::npos);
  CHECK(error_of(replaced(kMinimal, "\"version\": \"test-1\",",
                          "\"version\": \"a\", \"version\": \"b\",")) ==
        "test.json: key 'version' appears twice in one object");
  // The same key in two different objects is fine.
  CHECK(Catalog::from_json(kMinimal).ok());
}

TEST_CASE("catalog: files are read with a size bound and their path in errors") {
  auto missing = Catalog::load_file("/nonexistent/catalog.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::io);
  CHECK(missing.error().message().find("/nonexistent/catalog.json") != std::string::npos);
  auto dir = Catalog::load_file("/");
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().message() == "/: not a regular file");

  // A FIFO is refused at once instead of blocking until some writer opens it.
  const std::string fifo = "/tmp/sne-catalog-test-fifo-" + std::to_string(::getpid());
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto from_fifo = Catalog::load_file(fifo);
  ::unlink(fifo.c_str());
  REQUIRE_FALSE(from_fifo.ok());
  CHECK(from_fifo.error().message() == fifo + ": not a regular file");

  // Larger than 4 MiB: refused before it is read.
  const std::string big = "/tmp/sne-catalog-test-big-" + std::to_string(::getpid());
  {
    std::ofstream out(big);
    out << std::string((4u << 20) + 1, ' ');
  }
  auto too_big = Catalog::load_file(big);
  ::unlink(big.c_str());
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.error().message() == big + ": 4194305 bytes, larger than the 4194304 allowed");
}

TEST_CASE("catalog: formats") {
  CHECK(to_string(Format::jpeg) == "jpeg");
  CHECK(parse_format("JPG").value() == Format::jpeg);
  CHECK(parse_format("png").value() == Format::png);
  CHECK_FALSE(parse_format("tiff").ok());
  CHECK(label_fr(Perimetre::reglementaire) == "Périmètre réglementaire");
}
