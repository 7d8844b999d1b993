#include <doctest/doctest.h>

#include <set>

#include "sne/territoire.hpp"

using namespace sne;

TEST_CASE("territoire: the table is ordered, unique and complete") {
  const auto& all = territoires();
  for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].code < all[i].code);
  // 94 metropolitan codes (001-095 without 020, plus 02A and 02B), 5 overseas, 111, 999.
  CHECK(all.size() == 96 + 5 + 2);
  std::set<std::string_view> names;
  for (const auto& t : all) names.insert(t.name);
  CHECK(names.size() == all.size());
}

TEST_CASE("territoire: lookup by code") {
  CHECK(find_territoire("034")->name == "Hérault");
  CHECK(find_territoire("02B")->name == "Haute-Corse");
  CHECK(find_territoire("111")->zone == CalendarZone::metropole);
  CHECK(find_territoire("057")->zone == CalendarZone::alsace_moselle);
  CHECK(find_territoire("067")->zone == CalendarZone::alsace_moselle);
  CHECK(find_territoire("068")->zone == CalendarZone::alsace_moselle);
  CHECK(find_territoire("976")->zone == CalendarZone::mayotte);
  CHECK(find_territoire("020") == nullptr);
  CHECK(find_territoire("096") == nullptr);
  CHECK(find_territoire("34") == nullptr);
}

TEST_CASE("territoire: départements as users type them") {
  CHECK(parse_departement("57").value()->code == "057");
  CHECK(parse_departement("057").value()->code == "057");
  CHECK(parse_departement("2a").value()->code == "02A");
  CHECK(parse_departement("1").value()->code == "001");
  CHECK(parse_departement("971").value()->zone == CalendarZone::guadeloupe);
  auto bad = parse_departement("99");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message() ==
        "unknown département '99' (expected 01-95, 2A, 2B, 971-976 or 111)");
  CHECK_FALSE(parse_departement("").ok());
  CHECK_FALSE(parse_departement("0577").ok());
}

TEST_CASE("territoire: zone names") {
  CHECK(to_string(CalendarZone::alsace_moselle) == "alsace_moselle");
  CHECK(to_string(TerritoireKind::outre_mer) == "outre_mer");
}
