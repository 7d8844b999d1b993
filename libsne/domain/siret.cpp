#include "sne/siret.hpp"

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "base/text.hpp"

namespace sne {

namespace {

constexpr std::string_view kLaPosteSiren = "356000000";
constexpr std::string_view kLaPosteHeadOffice = "35600000000048";

/// The digits of `text` without spaces, or an error naming the first other character.
Result<std::string> digits_only(std::string_view text, std::size_t expected, const char* what) {
  const std::string_view trimmed = text::trim(text);
  std::string digits;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < trimmed.size(); ++i, ++chars) {
    const char c = trimmed[i];
    if (c == ' ') continue;
    if (c < '0' || c > '9') {
      const auto bad = text::first_non_ascii(trimmed.substr(i));
      const std::string shown = bad && bad->position == 0 ? bad->character : std::string(1, c);
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("character {} '{}' is not a digit"), chars + 1, shown), what);
    }
    digits += c;
  }
  if (digits.size() != expected)
    return Error(ErrorCode::invalid_input,
                 i18n::format_plural("{} digit, expected {}", "{} digits, expected {}",
                                     digits.size(), digits.size(), expected),
                 what);
  return digits;
}

}  // namespace

bool luhn_valid(std::string_view digits) noexcept {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

Result<std::string> parse_siren(std::string_view text) {
  auto digits = digits_only(text, 9, "siren");
  if (!digits) return digits.error();
  if (!luhn_valid(*digits))
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("SIREN {} fails its checksum (Luhn)"), *digits), "siren");
  return digits;
}

Result<Siret> Siret::parse(std::string_view text) {
  auto digits = digits_only(text, 14, "siret");
  if (!digits) return digits.error();
  const std::string_view d(*digits);
  const std::string_view siren = d.substr(0, 9);
  if (!luhn_valid(siren))
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("SIREN {} fails its checksum (Luhn)"), siren), "siren");
  // python-stdnum's stdnum.fr.siret: La Poste's establishments are numbered outside Luhn, valid
  // when the sum of their digits is a multiple of 5, whatever Luhn says; its head office alone
  // follows Luhn. (La Poste's SIREN passes Luhn, as every SIREN must.)
  if (siren == kLaPosteSiren && d != kLaPosteHeadOffice) {
    int sum = 0;
    for (char c : d) sum += c - '0';
    if (sum % 5 != 0)
      return Error(
          ErrorCode::invalid_input,
          i18n::format(N_("SIRET fails its checksum (La Poste: digit sum not a multiple of 5)")),
          "siret");
  } else if (!luhn_valid(d)) {
    return Error(ErrorCode::invalid_input, i18n::format(N_("SIRET fails its checksum (Luhn)")),
                 "siret");
  }
  Siret s;
  s.digits_ = std::move(*digits);
  return s;
}

}  // namespace sne
