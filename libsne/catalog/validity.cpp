#include <fmt/format.h>

#include "sne/catalog.hpp"

namespace sne {

std::string ValidityRule::describe_fr() const {
  switch (kind) {
    case Kind::none: return "sans limite de validité";
    case Kind::unexpired: return "en cours de validité";
    case Kind::issued_within: return fmt::format("émis depuis moins de {} mois", months);
    case Kind::tax_year: {
      std::string years;
      for (std::size_t i = 0; i < years_back.size(); ++i) {
        years += i == 0 ? "" : (i + 1 == years_back.size() ? " ou " : ", ");
        years += years_back[i] == 0 ? "N" : fmt::format("N-{}", years_back[i]);
      }
      return "revenus de l'année " + years;
    }
  }
  return {};
}

ValidityCheck check_validity(const ValidityRule& rule, const PieceDates& dates, Date on) {
  using O = ValidityCheck::Outcome;
  switch (rule.kind) {
    case ValidityRule::Kind::none: return {O::valid, {}};
    case ValidityRule::Kind::unexpired:
      if (!dates.expires) return {O::unknown, "date de fin de validité inconnue"};
      if (*dates.expires < on) return {O::obsolete, "expiré le " + dates.expires->iso()};
      return {O::valid, {}};
    case ValidityRule::Kind::issued_within: {
      if (!dates.issued) return {O::unknown, "date d'émission inconnue"};
      if (on < *dates.issued)
        return {O::unknown,
                "date d'émission " + dates.issued->iso() + " postérieure au " + on.iso()};
      const Date limit = dates.issued->plus_months(rule.months);
      if (limit < on)
        return {O::obsolete, fmt::format("émis le {}, plus de {} mois avant le {}",
                                         dates.issued->iso(), rule.months, on.iso())};
      return {O::valid, {}};
    }
    case ValidityRule::Kind::tax_year: {
      if (!dates.tax_year) return {O::unknown, "année des revenus inconnue"};
      for (int k : rule.years_back)
        if (*dates.tax_year == on.year() - k) return {O::valid, {}};
      return {O::obsolete, fmt::format("revenus {} : attendu {} en {}", *dates.tax_year,
                                       rule.describe_fr(), on.year())};
    }
  }
  return {O::unknown, {}};
}

}  // namespace sne
