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
    // La Poste's establishments, but its head office, by digit sum; everything else by Luhn.
    const bool by_sum = s->siren() == "356000000" && s->str() != "35600000000048";
    require(sne::luhn_valid(s->siren()));
    require(by_sum ? sum % 5 == 0 : sne::luhn_valid(s->str()));
    require(sne::Siret::parse(s->str()).ok());
  } else {
    require(s.error().code() == sne::ErrorCode::invalid_input);
  }
  if (auto siren = sne::parse_siren(input); siren.ok()) require(sne::luhn_valid(*siren));
  return 0;
}
