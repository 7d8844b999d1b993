// libsne's messages of the domain, the preflight, HTTP and send (issue 20): English in what
// libsne returns (Error::message(), a finding's message, as --json prints them), French through
// localized() when the French catalogue is in use.
#include <doctest/doctest.h>

#include <libintl.h>

#include <clocale>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "../support/fake_service.hpp"
#include "../support/french.hpp"
#include "../support/samples.hpp"
#include "../support/temp_dir.hpp"
#include "http/curl_transport.hpp"
#include "sne/doctor.hpp"
#include "sne/inspect.hpp"
#include "sne/messages.hpp"
#include "sne/numero.hpp"
#include "sne/send.hpp"
#include "sne/siret.hpp"

using namespace sne;
using sne::testing::French;

TEST_CASE("a bad numéro unique or SIRET: English message, French through localized()") {
  French french;
  const auto numero = NumeroUnique::parse("BAD");
  REQUIRE_FALSE(numero.ok());
  CHECK(numero.error().message() == "3 characters, expected 18");
  CHECK(localized(numero.error().message()) == "3 caractères, 18 attendus");

  const auto one = NumeroUnique::parse("B");
  REQUIRE_FALSE(one.ok());
  CHECK(one.error().message() == "1 character, expected 18");
  CHECK(localized(one.error().message()) == "1 caractère, 18 attendus");

  const auto month = NumeroUnique::parse("0341323004101G3401");
  REQUIRE_FALSE(month.ok());
  CHECK(month.error().message() == "month 13 is not 01-12");
  CHECK(localized(month.error().message()) == "le mois 13 n'est pas entre 01 et 12");

  const auto siret = Siret::parse("73282932000075");
  REQUIRE_FALSE(siret.ok());
  CHECK(siret.error().message() == "SIRET fails its checksum (Luhn)");
  CHECK(localized(siret.error().message()) == "le SIRET a une clé de contrôle fausse (Luhn)");
}

TEST_CASE("in English (the C locale), localized() gives the English message itself") {
  const auto numero = NumeroUnique::parse("BADBAD");
  REQUIRE_FALSE(numero.ok());
  CHECK(numero.error().message() == "6 characters, expected 18");
  CHECK(localized(numero.error().message()) == "6 characters, expected 18");
}

TEST_CASE("a preflight finding: English in the report, French through localized()") {
  French french;
  SUBCASE("judged in the caller") {
    const InspectReport r = inspect_bytes("not a piece", "note.txt");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].code == "unknown_format");
    CHECK(r.problems[0].message ==
          "not a PDF, JPEG or PNG file (the format is read from the content, not the name)");
    CHECK(localized(r.problems[0].message) ==
          "ni un PDF, ni un JPEG, ni un PNG (le format est lu dans le contenu, pas dans le nom)");
  }
  SUBCASE("a size and a number of bytes, in the French way in French only") {
    InspectOptions options;
    options.max_bytes = std::uint64_t{1024} * 1024;
    const InspectReport r = inspect_bytes(std::string(1234567, 'x'), "big.txt", options);
    REQUIRE(r.has_problem(problem::too_large));
    CHECK(r.problems[0].message == "1.2 MiB (1234567 bytes): more than the 1.0 MiB allowed");
    CHECK(localized(r.problems[0].message) ==
          "1,2\u00a0Mio (1\u00a0234\u00a0567 octets) : plus que les 1,0\u00a0Mio autorisés");
  }
  SUBCASE("judged in the isolated child: its translation crosses with the finding") {
    const std::string whole = samples::png(400, 400);
    const InspectReport r = inspect_bytes(whole.substr(0, whole.size() - 100), "cut.png");
    REQUIRE(r.has_problem(problem::image_truncated));
    CHECK(r.problems[0].message == "truncated: the file ends before the image does");
    CHECK(localized(r.problems[0].message) ==
          "tronqué : le fichier s'arrête avant la fin de l'image");
  }
}

TEST_CASE("an HTTP error holding another message gives both in French") {
  French french;
  http::CurlOptions options;
  options.base_url = "https://sne.invalid";
  options.cacert = "/nonexistent/ca.pem";
  auto transport = http::make_curl_transport(options);
  REQUIRE_FALSE(transport.ok());
  const std::string& message = transport.error().message();
  CHECK(message.rfind("CA file ", 0) == 0);
  const std::string french_text = localized(message);
  CHECK(french_text.rfind("fichier d'autorité de certification ", 0) == 0);
  CHECK(french_text.find("/nonexistent/ca.pem") != std::string::npos);
}

TEST_CASE("a send refused: English message, French through localized(), the finding within") {
  French french;
  testing::FakeService service;
  testing::TempDir dir{"messages"};
  SendPiecesInput input;
  input.numero_unique = "0340523004101G3401";
  input.type = "avis_imposition";

  auto none = send_pieces(service, input);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message() == "a pli holds 1 to 20 files, not 0");
  CHECK(localized(none.error().message()) == "un pli contient de 1 à 20 fichiers, pas 0");

  input.files.push_back(dir.write("avis.pdf", "not a pdf"));
  auto refused = send_pieces(service, input);
  REQUIRE_FALSE(refused.ok());
  const std::string file = input.files[0];
  CHECK(refused.error().message() ==
        file +
            ": not a PDF, JPEG or PNG file (the format is read from the content, not the name) "
            "(unknown_format): nothing was sent");
  CHECK(localized(refused.error().message()) ==
        file +
            " : ni un PDF, ni un JPEG, ni un PNG (le format est lu dans le contenu, pas dans le "
            "nom) (unknown_format) : rien n'a été envoyé");
  CHECK(service.calls.empty());
}

TEST_CASE("a doctor's details and hints: English in the report, French through localized()") {
  French french;
  testing::TempDir dir{"doctor-fr"};
  std::filesystem::create_directories(dir / "config/sne");
  std::filesystem::create_directories(dir / "data/sne");
  const std::string& home = dir.path();
  const std::string config = dir / "config", data = dir / "data";
  const EnvLookup env = [=](std::string_view name) -> std::optional<std::string> {
    if (name == "HOME") return home;
    if (name == "XDG_CONFIG_HOME") return config;
    if (name == "XDG_DATA_HOME") return data;
    return std::nullopt;
  };
  ConnectOptions connect;
  connect.env = env;
  Connection connection(connect);
  DoctorOptions options;
  options.env = env;
  const DoctorReport report = run_doctor(connection, options);
  const DoctorCheck* dns = nullptr;
  for (const auto& check : report.checks)
    if (check.name == "dns") dns = &check;
  REQUIRE(dns != nullptr);
  CHECK(dns->detail == "the embedded sandbox is in process");
  CHECK(localized(dns->detail) == "le bac à sable intégré tourne dans ce processus");
  const DoctorCheck& endpoint = report.checks.at(1);
  REQUIRE(endpoint.name == "endpoint");
  CHECK(endpoint.detail.rfind("embedded sandbox at ", 0) == 0);
  CHECK(localized(endpoint.detail).rfind("bac à sable intégré dans ", 0) == 0);
}
