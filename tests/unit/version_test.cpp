// The version of the headers (macros) and of the library linked agree, and read as X.Y.Z.
#include <doctest/doctest.h>

#include <string>

#include "sne/version.hpp"

TEST_CASE("version: the linked library is the one of these headers, X.Y.Z") {
  const std::string expected = std::to_string(SNE_VERSION_MAJOR) + "." +
                               std::to_string(SNE_VERSION_MINOR) + "." +
                               std::to_string(SNE_VERSION_PATCH);
  CHECK(sne::version() == expected);
  CHECK(sne::version_number() == SNE_VERSION_NUMBER);
  CHECK(SNE_VERSION_NUMBER ==
        SNE_VERSION_MAJOR * 10000 + SNE_VERSION_MINOR * 100 + SNE_VERSION_PATCH);
  static_assert(SNE_VERSION_MINOR < 100 && SNE_VERSION_PATCH < 100,
                "SNE_VERSION_NUMBER gives two digits to the minor and patch numbers");
}
