// libsne's errors in French (issue 20): a sample of the errors of config, catalog, bulk, GLPI
// and fiche, returned in English (message(), what --json and logs carry) and read in French
// through localized(), from the catalogue the build compiles.
#include <doctest/doctest.h>

#include <libintl.h>
#include <unistd.h>

#include <clocale>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "../support/french.hpp"
#include "glpi/errors.hpp"
#include "http/message.hpp"
#include "sne/bulk.hpp"
#include "sne/catalog.hpp"
#include "sne/config.hpp"
#include "sne/date.hpp"
#include "sne/fiche.hpp"
#include "sne/messages.hpp"
#include "sne/text.hpp"

using namespace sne;
using sne::testing::French;

namespace {

/// A file of `bytes` in a folder of its own, removed after the test.
struct TempFile {
  std::string dir, path;
  TempFile(const std::string& name, const std::string& bytes) {
    char tmpl[] = "/tmp/sne-messages-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

constexpr const char* kNumero = "0340819000040PWP01";

/// The error of the first row of the bulk manifest `path`.
std::string bulk_row_error(const std::string& path) {
  auto reader = bulk::ManifestReader::open(path);
  REQUIRE(reader.ok());
  auto row = (*reader)->next();
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  REQUIRE((*row)->error.has_value());
  return (*row)->error->message();
}

}  // namespace

TEST_CASE("a bad configuration file: English message, French through localized()") {
  French french;
  auto c = Config::parse("profile = 3\n", "config.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message() == "config.toml: line 1, column 11: profile: expected a profile name");
  CHECK(localized(c.error().message()) ==
        "config.toml : ligne 1, colonne 11 : profile : nom de profil attendu");

  auto unknown = Config::parse("[profiles.x]\ncolour = \"blue\"\n", "config.toml");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message() ==
        "config.toml: line 2, column 1: profiles.x.colour: unknown key");
  CHECK(localized(unknown.error().message()) ==
        "config.toml : ligne 2, colonne 1 : profiles.x.colour : clé inconnue");

  auto profile = Config::parse("", "config.toml")->profile("bureau", true);
  REQUIRE_FALSE(profile.ok());
  CHECK(profile.error().message() == "no profile 'bureau' in config.toml");
  CHECK(localized(profile.error().message()) == "pas de profil 'bureau' dans config.toml");
}

TEST_CASE("a bad catalog: the JSON path and the fault, both read in French") {
  French french;
  auto shape = Catalog::from_json(R"({"schema": "1"})", "catalog.json");
  REQUIRE_FALSE(shape.ok());
  // The inner message ("found a string") is itself a text of libsne, given in French.
  CHECK(shape.error().message() ==
        "catalog.json: schema: expected an integer from 0 to 1000, found a string");
  CHECK(localized(shape.error().message()) ==
        "catalog.json: schema : entier de 0 à 1000 attendu, trouvé une chaîne");

  auto syntax = Catalog::from_json("{\"schema\": 1,\n  \"schema\": 1}", "catalog.json");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().message() == "catalog.json: key 'schema' appears twice in one object");
  CHECK(localized(syntax.error().message()) ==
        "catalog.json: la clé 'schema' apparaît deux fois dans un même objet");
}

TEST_CASE("a bad row of a bulk manifest, CSV and JSON Lines") {
  French french;
  SUBCASE("a cell") {
    TempFile csv("m.csv", std::string("numero_unique,type,files,pack\n") + kNumero +
                              ",avis_imposition,a.pdf,maybe\n");
    const std::string message = bulk_row_error(csv.path);
    CHECK(message == "row 1 (line 2): pack: expected yes or no, found 'maybe'");
    CHECK(localized(message) == "entrée 1 (ligne 2) : pack : yes ou no attendu, trouvé 'maybe'");
  }
  SUBCASE("a JSON Lines row that is no JSON: its own line number dropped in both languages") {
    TempFile jsonl("m.jsonl", "{\"numero_unique\": x}\n");
    const std::string message = bulk_row_error(jsonl.path);
    REQUIRE(message.rfind("row 1 (line 1): column ", 0) == 0);
    CHECK(message.find("invalid JSON (") != std::string::npos);
    const std::string french_text = localized(message);
    CHECK(french_text.rfind("entrée 1 (ligne 1) : colonne ", 0) == 0);
    CHECK(french_text.find(" : JSON invalide (") != std::string::npos);
  }
  SUBCASE("the header") {
    TempFile csv("m.csv", "numero_unique,type\n");
    auto reader = bulk::ManifestReader::open(csv.path);
    REQUIRE_FALSE(reader.ok());
    CHECK(reader.error().message() ==
          csv.path +
              ": line 1: the header lacks the column 'files' (required: numero_unique, "
              "type, files)");
    CHECK(localized(reader.error().message()) ==
          csv.path +
              " : ligne 1 : il manque à l'en-tête la colonne 'files' (obligatoires : "
              "numero_unique, type, files)");
  }
}

TEST_CASE("a GLPI refusal: GLPI's own words kept, libsne's translated") {
  French french;
  http::Response response;
  response.status = 400;
  const Error e = glpi::refusal(
      response, nlohmann::json::array({"ERROR_GLPI_ADD", "Champ obligatoire manquant"}), {});
  CHECK(e.message() == "GLPI refused: Champ obligatoire manquant (ERROR_GLPI_ADD)");
  CHECK(localized(e.message()) == "refus de GLPI : Champ obligatoire manquant (ERROR_GLPI_ADD)");

  const Error bare = glpi::refusal(response, nlohmann::json(), {});
  CHECK(bare.message() == "GLPI answered HTTP 400");
  CHECK(localized(bare.message()) == "GLPI a répondu HTTP 400");
}

TEST_CASE("a bad row of a fiche manifest, and a bad guichet") {
  French french;
  TempFile csv("fiches.csv", std::string("numero_unique,contexte\n") + kNumero + ",creation,x\n");
  auto manifest = FicheManifest::open(csv.path);
  REQUIRE(manifest.ok());
  auto row = manifest->next();
  REQUIRE_FALSE(row.ok());
  CHECK(row.error().message() == "line 2: 3 columns, expected 2");
  CHECK(localized(row.error().message()) == "ligne 2 : 3 colonnes, 2 attendues");

  FicheInput in;
  in.numero_unique = kNumero;
  in.contexte = "creation";
  in.guichet = "ab";
  auto fiche = make_fiche(in);
  REQUIRE_FALSE(fiche.ok());
  CHECK(fiche.error().message() ==
        "guichet: 'ab' is not a code guichet (5 upper-case letters or digits)");
  CHECK(localized(fiche.error().message()) ==
        "guichet : 'ab' n'est pas un code guichet (5 lettres majuscules ou chiffres)");
}

TEST_CASE("a size for people: English returned, the language's units and separators remembered") {
  French french;
  CHECK(format_size(3 * 1024 * 1024 + 512 * 1024) == "3.5 MiB");
  CHECK(localized(format_size(3 * 1024 * 1024 + 512 * 1024)) == "3,5 Mio");
  CHECK(format_size(std::uint64_t{1234} * 1024 * 1024) == "1234.0 MiB");
  CHECK(localized(format_size(std::uint64_t{1234} * 1024 * 1024)) == "1\u00a0234,0 Mio");
  CHECK(localized(format_size(300 * 1024)) == "300 Kio");
  CHECK(localized(format_size(512)) == "512 octets");
}

TEST_CASE("in English (the C locale) the same errors are the same bytes, nothing remembered") {
  // Another file than above: what the French tests remembered would be found again.
  auto c = Config::parse("profile = 3\n", "english.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message() == "english.toml: line 1, column 11: profile: expected a profile name");
  CHECK(localized(c.error().message()) == c.error().message());
  auto bad_date = Date::parse("2025-13-01");
  REQUIRE_FALSE(bad_date.ok());
  CHECK(localized(bad_date.error().message()) == bad_date.error().message());
}
