// Fuzz target: SIRET and SIREN parsing never crashes, and accepts only what the rules accept.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"

#include "sne/siret.hpp"

using sne::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto s = sne::Siret::parse(input); s.ok()) {
    require(s->str().size() == 14);
    int sum = 0;
    for (char c : s->str()) {
      require(c >= '0' && c <= '9');
      sum += c - '0';
    }
    const bool la_poste = s->siren() == "356000000";
    require(la_poste ? (sne::luhn_valid(s->str()) || sum % 5 == 0)
                     : (sne::luhn_valid(s->str()) && sne::luhn_valid(s->siren())));
    require(sne::Siret::parse(s->str()).ok());
  } else {
    require(s.error().code() == sne::ErrorCode::invalid_input);
  }
  if (auto siren = sne::parse_siren(input); siren.ok()) require(sne::luhn_valid(*siren));
  return 0;
}
