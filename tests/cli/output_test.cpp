// The CLI's advice after a library error: the library names what is wrong; the commands and
// flags to try are added here (hint_for, hint_for_problem, with_cleanup_advice), and only here.
#include <doctest/doctest.h>

#include <clocale>
#include <cstdlib>
#include <string>

#include <sne/messages.hpp>

#include "output.hpp"

using namespace sne;
using namespace sne::cli;

TEST_CASE("advice: a full category gets the cleanup that makes room, other conflicts nothing") {
  const Error full(ErrorCode::conflict,
                   "category 'rib' of demande 0340819000040PWP01 holds 1 of 1 pieces, 2 more do "
                   "not fit",
                   "rib");
  const Error advised = with_cleanup_advice(full, "0340819000040PWP01", "rib", 2);
  CHECK(advised.code() == ErrorCode::conflict);
  CHECK(advised.subject() == "rib");
  CHECK(advised.message() ==
        full.message() + ": run 'sne dossier clean 0340819000040PWP01 --for rib:2' first");
  // The category holds the content being sent (subject: the filed piece): no cleanup offered.
  const Error same(ErrorCode::conflict, "it already holds the content of a.pdf", "p-12");
  CHECK(with_cleanup_advice(same, "0340819000040PWP01", "rib", 1).message() == same.message());
  const Error other(ErrorCode::invalid_input, "bad", "rib");
  CHECK(with_cleanup_advice(other, "0340819000040PWP01", "rib", 1).message() == "bad");
}

TEST_CASE("advice: an unknown piece type points at the list of types, as an error or a problem") {
  CHECK(hint_for(Error(ErrorCode::invalid_input, "unknown piece type 'x'", "type")) ==
        "see 'sne piece types'");
  CHECK(hint_for(Error(ErrorCode::invalid_input, "numero: month 13", "numero")).empty());
  CHECK(hint_for_problem("unknown_type") == "see 'sne piece types'");
  CHECK(hint_for_problem("pdf_encrypted").empty());
}

TEST_CASE("advice: a CA file that cannot be read names the flag and the profile key") {
  CHECK(hint_for(Error(ErrorCode::io, "CA file /x.pem: No such file or directory", "cacert"))
            .find("--cacert FILE") != std::string_view::npos);
  CHECK(hint_for(Error(ErrorCode::io, "/x.pem: No such file or directory", "/x.pem")).empty());
}

TEST_CASE("advice: no GLPI URL in force says which command sets one") {
  const Error missing(ErrorCode::invalid_input,
                      "no GLPI for https://sne.example.org: neither SNE_GLPI_URL nor the "
                      "profile's glpi_url is set",
                      "glpi_url");
  CHECK(hint_for(missing) ==
        "set SNE_GLPI_URL or the profile's glpi_url ('sne config set glpi_url "
        "https://HOST/PATH/apirest.php')");
  // GLPI answering HTML is the server's fault, not a missing setting.
  CHECK(hint_for(Error(ErrorCode::server, "not JSON", "glpi_url")).empty());
}

TEST_CASE("advice: sne config sends secrets to the logins, and names how to set a key") {
  const auto secret = hint_for(Error(ErrorCode::invalid_input, "token: a secret", "config_secret"));
  CHECK(secret.find("'sne auth login'") != std::string_view::npos);
  CHECK(secret.find("'sne ticket login'") != std::string_view::npos);
  CHECK(hint_for(Error(ErrorCode::invalid_input, "x: no such key", "config_key"))
            .find("sne config list") != std::string_view::npos);
  CHECK(hint_for(Error(ErrorCode::not_found, "glpi_url: not set", "config_unset")) ==
        "set it with 'sne config set KEY VALUE'");
  CHECK(hint_for(Error(ErrorCode::not_found, "no ticket 3", "ticket")).empty());
}

TEST_CASE("plurals: a count and its noun agree in English messages") {
  CHECK(counted(1, "pli") == "1 pli");
  CHECK(counted(2, "pli") == "2 plis");
  CHECK(counted(0, "row") == "0 rows");  // English: zero is plural
  CHECK(counted(1, "follow-up") == "1 follow-up");
  CHECK(counted(3, "entry", "entries") == "3 entries");
  CHECK(counted(1, "entry", "entries") == "1 entry");
}

namespace {

/// Messages in French for the life of the object, as `LANGUAGE=fr` gives them to sne; English
/// (the C locale's messages) again after.
struct FrenchMessages {
  FrenchMessages() {
    ::setenv("LANGUAGE", "fr", 1);
    ::setenv("LC_ALL", "C.UTF-8", 1);
    sne::use_environment_language();
  }
  ~FrenchMessages() {
    ::unsetenv("LANGUAGE");
    ::unsetenv("LC_ALL");
    (void)std::setlocale(LC_MESSAGES, "C");
    (void)std::setlocale(LC_CTYPE, "C");
  }
  FrenchMessages(const FrenchMessages&) = delete;
  FrenchMessages& operator=(const FrenchMessages&) = delete;
};

}  // namespace

TEST_CASE("numbers for humans: English as sne always wrote them, French grouped, with a comma") {
  REQUIRE(sne::message_language() == "en");
  CHECK(human_number(0) == "0");
  CHECK(human_number(1234567) == "1234567");
  CHECK(human_number(-1234) == "-1234");
  CHECK(human_decimal(3.5, 1) == "3.5");
  CHECK(human_decimal(12345.678, 2) == "12345.68");
  {
    const FrenchMessages french;
    REQUIRE(sne::message_language() == "fr");
    CHECK(human_number(0) == "0");
    CHECK(human_number(999) == "999");
    CHECK(human_number(1234) == "1\u00a0234");
    CHECK(human_number(1234567) == "1\u00a0234\u00a0567");
    CHECK(human_number(-123456) == "-123\u00a0456");
    CHECK(human_decimal(3.5, 1) == "3,5");
    CHECK(human_decimal(12345.678, 2) == "12\u00a0345,68");
    CHECK(human_decimal(-0.25, 2) == "-0,25");
    CHECK(human_decimal(2.0, 0) == "2");
  }
  CHECK(sne::message_language() == "en");
  CHECK(human_number(1234) == "1234");
}

TEST_CASE("hints: English for --json (sne doctor's), French for the human who reads them") {
  const Error network(ErrorCode::network, "connection refused");
  const std::string english(hint_for(network));
  CHECK(english.rfind("check the endpoint", 0) == 0);
  const FrenchMessages french;
  CHECK(std::string(hint_for(network)) == english);
  CHECK(sne::localized(hint_for(network)).rfind("vérifiez le point d'accès", 0) == 0);
}
