#include <doctest/doctest.h>

#include "sne/catalog.hpp"

using namespace sne;
using O = ValidityCheck::Outcome;

namespace {
Date d(const char* iso) { return Date::parse(iso).value(); }
ValidityRule rule(ValidityRule::Kind k, int months = 0, std::vector<int> years = {}) {
  ValidityRule r;
  r.kind = k;
  r.months = months;
  r.years_back = std::move(years);
  return r;
}
}  // namespace

TEST_CASE("validity: none never expires") {
  CHECK(check_validity(rule(ValidityRule::Kind::none), {}, d("2030-01-01")).outcome == O::valid);
}

TEST_CASE("validity: unexpired documents are valid through their end date") {
  const auto r = rule(ValidityRule::Kind::unexpired);
  PieceDates p;
  p.expires = d("2026-11-22");
  CHECK(check_validity(r, p, d("2026-11-22")).outcome == O::valid);
  const auto late = check_validity(r, p, d("2026-11-23"));
  CHECK(late.outcome == O::obsolete);
  CHECK(late.reason == "expiré le 2026-11-22");
  CHECK(check_validity(r, {}, d("2026-11-23")).outcome == O::unknown);
}

TEST_CASE("validity: issued within N months") {
  const auto r = rule(ValidityRule::Kind::issued_within, 3);
  PieceDates p;
  p.issued = d("2026-08-22");
  CHECK(check_validity(r, p, d("2026-11-22")).outcome == O::valid);
  const auto old = check_validity(r, p, d("2026-11-23"));
  CHECK(old.outcome == O::obsolete);
  CHECK(old.reason == "émis le 2026-08-22, plus de 3 mois avant le 2026-11-23");
  p.issued = d("2026-12-01");
  CHECK(check_validity(r, p, d("2026-11-22")).outcome == O::unknown);
  CHECK(check_validity(r, {}, d("2026-11-22")).reason == "date d'émission inconnue");
}

TEST_CASE("validity: avis d'imposition of year N-2 or N-1") {
  const auto r = rule(ValidityRule::Kind::tax_year, 0, {2, 1});
  PieceDates p;
  p.tax_year = 2024;
  CHECK(check_validity(r, p, d("2026-11-22")).outcome == O::valid);
  p.tax_year = 2025;
  CHECK(check_validity(r, p, d("2026-11-22")).outcome == O::valid);
  p.tax_year = 2023;
  const auto old = check_validity(r, p, d("2026-11-22"));
  CHECK(old.outcome == O::obsolete);
  CHECK(old.reason == "revenus 2023 : attendu revenus de l'année N-2 ou N-1 en 2026");
}

TEST_CASE("validity: French descriptions") {
  CHECK(rule(ValidityRule::Kind::none).describe_fr() == "sans limite de validité");
  CHECK(rule(ValidityRule::Kind::unexpired).describe_fr() == "en cours de validité");
  CHECK(rule(ValidityRule::Kind::issued_within, 3).describe_fr() == "émis depuis moins de 3 mois");
  CHECK(rule(ValidityRule::Kind::tax_year, 0, {2, 1, 0}).describe_fr() ==
        "revenus de l'année N-2, N-1 ou N");
}
