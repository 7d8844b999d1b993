#include <doctest/doctest.h>

#include "sne/numero.hpp"

using namespace sne;

namespace {
std::string why(const char* input) { return NumeroUnique::parse(input).error().message(); }
std::string part(const char* input) { return NumeroUnique::parse(input).error().subject(); }
}  // namespace

TEST_CASE("numero: parses the seed example into its fields") {
  auto n = NumeroUnique::parse("0340819000040PWP01");
  REQUIRE(n.ok());
  CHECK(n->str() == "0340819000040PWP01");
  CHECK(n->territoire().code == "034");
  CHECK(n->territoire().name == "Hérault");
  CHECK(n->mois() == 8);
  CHECK(n->annee() == 2019);
  CHECK(n->sequence() == "000040");
  CHECK(n->guichet() == "PWP01");
}

TEST_CASE("numero: the other seed numbers are valid") {
  for (const char* s : {"1110920020745G1175", "0690620007611G3163", "1111023517879GDPUB"})
    CHECK_MESSAGE(NumeroUnique::parse(s).ok(), s);
  auto idf = NumeroUnique::parse("1110920020745G1175");
  CHECK(idf->territoire().kind == TerritoireKind::region);
  CHECK(idf->sequence() == "020745");
  CHECK(idf->guichet() == "G1175");
}

TEST_CASE("numero: normalises case and surrounding white space") {
  auto n = NumeroUnique::parse("  0340819000040pwp01\n");
  REQUIRE(n.ok());
  CHECK(n->str() == "0340819000040PWP01");
  CHECK(*n == NumeroUnique::parse("0340819000040PWP01").value());
}

TEST_CASE("numero: Corsica and overseas territories") {
  CHECK(NumeroUnique::parse("02A0121000001G0001").value().territoire().name == "Corse-du-Sud");
  CHECK(NumeroUnique::parse("02b0121000001G0001").value().territoire().code == "02B");
  CHECK(NumeroUnique::parse("9740121000001G0001").value().territoire().zone ==
        CalendarZone::reunion);
  CHECK(NumeroUnique::parse("9990121000001PWP01").value().territoire().kind ==
        TerritoireKind::test);
}

TEST_CASE("numero: rejects month 13 and 00, naming the month") {
  CHECK(why("0341319000040PWP01") == "month 13 is not 01-12");
  CHECK(part("0341319000040PWP01") == "mois");
  CHECK(why("0340019000040PWP01") == "month 00 is not 01-12");
  CHECK(why("034A819000040PWP01") == "month 'A8' must be 2 digits");
}

TEST_CASE("numero: rejects wrong lengths, counting characters") {
  CHECK(why("034081900040PWP01") == "17 characters, expected 18");
  CHECK(part("034081900040PWP01") == "longueur");
  CHECK(why("0340819000040PWP011") == "19 characters, expected 18");
  CHECK(why("") == "0 characters, expected 18");
  CHECK(why("x") == "1 character, expected 18");
}

TEST_CASE("numero: rejects unknown territories distinctly") {
  CHECK(why("0990819000040PWP01") == "unknown territory 099");
  CHECK(part("0990819000040PWP01") == "territoire");
  CHECK(why("0200819000040PWP01") == "unknown territory 020");  // Corsica is 02A/02B
  CHECK(why("9750819000040PWP01") == "unknown territory 975");
  CHECK(why("0C30819000040PWP01") == "territory '0C3' must be 3 digits, 02A or 02B");
}

TEST_CASE("numero: rejects bad year, sequence and characters") {
  CHECK(why("03408X9000040PWP01") == "year 'X9' must be 2 digits");
  CHECK(part("03408X9000040PWP01") == "annee");
  CHECK(why("0340819000O40PWP01") == "sequence '000O40' must be 6 digits");
  CHECK(part("0340819000O40PWP01") == "sequence");
  CHECK(why("0340819000040PWP-1") == "character 17 '-' is not a letter or digit");
  CHECK(why("0340819000040PWPé1") == "character 17 'é' is not an ASCII letter or digit");
  CHECK(part("0340819000040PWPé1") == "caracteres");
  CHECK(why("034\x01"
            "819000040PWP01") == "character 4 '\\x01' is not an ASCII letter or digit");
}

TEST_CASE("numero: every error is invalid_input") {
  for (const char* s : {"", "x", "0341319000040PWP01", "0990819000040PWP01", "\xff\xfe"})
    CHECK(NumeroUnique::parse(s).error().code() == ErrorCode::invalid_input);
}

TEST_CASE("numero: code guichet shape") {
  CHECK(is_code_guichet("PWP01"));
  CHECK(is_code_guichet("00002"));
  CHECK_FALSE(is_code_guichet("pwp01"));
  CHECK_FALSE(is_code_guichet("PWP0"));
  CHECK_FALSE(is_code_guichet("PWP-1"));
}
