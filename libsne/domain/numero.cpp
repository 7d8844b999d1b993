#include "sne/numero.hpp"

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "base/text.hpp"

namespace sne {

namespace {

bool all_digits(std::string_view s) noexcept {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool upper_alnum(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

Error invalid(std::string message, const char* part) {
  return Error(ErrorCode::invalid_input, std::move(message), part);
}

}  // namespace

bool is_code_guichet(std::string_view code) noexcept {
  if (code.size() != 5) return false;
  for (char c : code)
    if (!upper_alnum(c)) return false;
  return true;
}

Result<NumeroUnique> NumeroUnique::parse(std::string_view text) {
  const std::string_view trimmed = text::trim(text);
  // Non-ASCII input: count characters, not bytes, and name the first offending one.
  if (const auto bad = text::first_non_ascii(trimmed); bad.has_value())
    return invalid(i18n::format(N_("character {} '{}' is not an ASCII letter or digit"),
                                bad->position + 1, bad->character),
                   "caracteres");
  if (trimmed.size() != 18)
    return invalid(i18n::format_plural("{} character, expected 18", "{} characters, expected 18",
                                       trimmed.size(), trimmed.size()),
                   "longueur");

  std::string s = text::ascii_upper(trimmed);
  const std::string_view v(s);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!upper_alnum(v[i]))
      return invalid(i18n::format(N_("character {} '{}' is not a letter or digit"), i + 1, v[i]),
                     "caracteres");

  const std::string_view terr = v.substr(0, 3), mm = v.substr(3, 2), yy = v.substr(5, 2),
                         seq = v.substr(7, 6);
  const bool corsica = terr == "02A" || terr == "02B";
  if (!all_digits(terr) && !corsica)
    return invalid(i18n::format(N_("territory '{}' must be 3 digits, 02A or 02B"), terr),
                   "territoire");
  if (!all_digits(mm)) return invalid(i18n::format(N_("month '{}' must be 2 digits"), mm), "mois");
  const int month = (mm[0] - '0') * 10 + (mm[1] - '0');
  if (month < 1 || month > 12)
    return invalid(i18n::format(N_("month {} is not 01-12"), mm), "mois");
  if (!all_digits(yy)) return invalid(i18n::format(N_("year '{}' must be 2 digits"), yy), "annee");
  if (!all_digits(seq))
    return invalid(i18n::format(N_("sequence '{}' must be 6 digits"), seq), "sequence");
  // The guichet was checked by the letter-or-digit loop above.
  const Territoire* territory = find_territoire(terr);
  if (territory == nullptr)
    return invalid(i18n::format(N_("unknown territory {}"), terr), "territoire");

  NumeroUnique n;
  n.text_ = std::move(s);
  n.mois_ = month;
  n.annee_ = 2000 + (yy[0] - '0') * 10 + (yy[1] - '0');
  n.territoire_ = territory;
  return n;
}

}  // namespace sne
