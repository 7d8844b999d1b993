// Shared by the fuzz targets: an invariant that must hold, or the fuzzer reports a crash.
#pragma once

#include <cstdlib>

namespace sne::fuzz {

inline void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace sne::fuzz
