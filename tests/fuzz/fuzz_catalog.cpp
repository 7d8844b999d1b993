// Fuzz target: an administrator's catalog file never crashes the loader, and every catalog it
// accepts survives a round trip through to_json unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"

#include "sne/catalog.hpp"

using sne::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto catalog = sne::Catalog::from_json(input, "fuzz");
  if (!catalog.ok()) {
    require(catalog.error().code() == sne::ErrorCode::invalid_input);
    require(catalog.error().message().rfind("fuzz: ", 0) == 0);
    return 0;
  }
  for (const auto& r : catalog->rubriques())
    for (const auto& t : r.types) {
      require(catalog->find_type(t.code) == &t);
      require(!t.formats.empty() && t.max_bytes > 0 && t.max_pieces >= 1);
    }
  const std::string text = catalog->to_json();
  auto again = sne::Catalog::from_json(text, "round-trip");
  require(again.ok());
  require(again->to_json() == text);
  return 0;
}
