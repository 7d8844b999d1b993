#include <doctest/doctest.h>

#include "sne/siret.hpp"

using namespace sne;

TEST_CASE("siret: the seed SIRET is valid and splits into SIREN and NIC") {
  auto s = Siret::parse("13002072000038");
  REQUIRE(s.ok());
  CHECK(s->siren() == "130020720");
  CHECK(s->nic() == "00038");
}

TEST_CASE("siret: spaces between digit groups are ignored") {
  CHECK(Siret::parse("130 020 720 00038").value().str() == "13002072000038");
}

TEST_CASE("siret: a wrong checksum is refused") {
  auto s = Siret::parse("13002072000039");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message() == "SIRET fails its checksum (Luhn)");
  CHECK(s.error().subject() == "siret");
}

TEST_CASE("siret: the SIREN must pass Luhn too") {
  // 12345678900007 passes Luhn on 14 digits, but its SIREN 123456789 does not.
  auto s = Siret::parse("12345678900007");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message() == "SIREN 123456789 fails its checksum (Luhn)");
  CHECK(s.error().subject() == "siren");
}

TEST_CASE("siret: La Poste establishments use the sum-of-digits rule") {
  CHECK(Siret::parse("35600000000010").ok());        // fails Luhn, digit sum 15
  CHECK_FALSE(Siret::parse("35600000000055").ok());  // passes Luhn, digit sum 24
  auto bad = Siret::parse("35600000000011");         // fails both
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message() ==
        "SIRET fails its checksum (La Poste: digit sum not a multiple of 5)");
  CHECK(bad.error().subject() == "siret");
  // Only La Poste: the same digit-sum property elsewhere does not rescue a Luhn failure.
  CHECK_FALSE(Siret::parse("13002072000039").ok());
}

TEST_CASE("siret: a La Poste establishment is not rescued by Luhn") {
  // 35600000000014, ...022 and ...030 pass Luhn but their digit sums (19, 16, 14) are not
  // multiples of 5: python-stdnum's stdnum.fr.siret refuses them, and so do we.
  for (const char* n : {"35600000000014", "35600000000022", "35600000000030"}) {
    auto s = Siret::parse(n);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message() ==
          "SIRET fails its checksum (La Poste: digit sum not a multiple of 5)");
  }
}

TEST_CASE("siret: La Poste's head office follows Luhn, not the digit sum") {
  // 35600000000048: Luhn-valid, digit sum 26. The one La Poste number under Luhn.
  auto head = Siret::parse("356 000 000 00048");
  REQUIRE(head.ok());
  CHECK(head->nic() == "00048");
  // Every other La Poste number with the digit sum 26 still fails.
  CHECK_FALSE(Siret::parse("35600000000084").ok());
}

TEST_CASE("siret: shape errors name the fault") {
  CHECK(Siret::parse("1300207200003").error().message() == "13 digits, expected 14");
  CHECK(Siret::parse("1300207200003X").error().message() == "character 14 'X' is not a digit");
  CHECK(Siret::parse("13002072000é38").error().message() == "character 12 'é' is not a digit");
  CHECK(Siret::parse("").error().message() == "0 digits, expected 14");
  CHECK(Siret::parse("7").error().message() == "1 digit, expected 14");
}

TEST_CASE("siren: Luhn on 9 digits") {
  CHECK(parse_siren("130020720").value() == "130020720");
  CHECK(parse_siren("542 107 651").value() == "542107651");
  CHECK(parse_siren("123456789").error().message() == "SIREN 123456789 fails its checksum (Luhn)");
  CHECK(parse_siren("12345678").error().message() == "8 digits, expected 9");
  CHECK(luhn_valid("79927398713"));
  CHECK_FALSE(luhn_valid("79927398710"));
}
