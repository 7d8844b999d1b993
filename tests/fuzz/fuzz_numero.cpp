// Fuzz target: the parsers of short user-typed strings (numéro unique, dates, contexte, statut,
// département) never crash, and what they accept is canonical and stable.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"

#include "sne/contexte.hpp"
#include "sne/date.hpp"
#include "sne/numero.hpp"
#include "sne/statut.hpp"
#include "sne/territoire.hpp"

using sne::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto n = sne::NumeroUnique::parse(input); n.ok()) {
    require(n->str().size() == 18);
    require(n->mois() >= 1 && n->mois() <= 12);
    require(n->annee() >= 2000 && n->annee() <= 2099);
    require(sne::is_code_guichet(n->guichet()));
    auto again = sne::NumeroUnique::parse(n->str());
    require(again.ok() && *again == *n);
  } else {
    require(!n.error().message().empty());
    require(n.error().code() == sne::ErrorCode::invalid_input);
  }

  if (auto d = sne::Date::parse(input); d.ok()) {
    require(d->iso() == input);
    require(sne::Date::from_days(d->days()) == *d);
  }
  if (auto c = sne::parse_contexte(input); c.ok()) require(!sne::info(*c).code.empty());
  if (auto s = sne::parse_statut(input); s.ok()) require(!sne::info(*s).label.empty());
  if (auto t = sne::parse_departement(input); t.ok())
    require(sne::find_territoire((*t)->code) == *t);
  return 0;
}
