/// @file
/// The version of libsne: of the headers compiled against (the macros) and of
/// the library linked (sne::version()). CMake reads the three numbers from this file, which is
/// their one source: the project's version, the shared libraries' names and the packages' all
/// come from here.
#pragma once

#include <string_view>

#include "sne/export.hpp"

/// The major version of the headers compiled against (a breaking change moves it, from 1.0).
#define SNE_VERSION_MAJOR 0
/// The minor version of the headers (while 0.x, a new minor may change the API and ABI).
#define SNE_VERSION_MINOR 1
/// The patch version of the headers (changes neither API nor ABI).
#define SNE_VERSION_PATCH 0
/// MAJOR * 10000 + MINOR * 100 + PATCH, for `#if SNE_VERSION_NUMBER >= 100` (0.1.0).
#define SNE_VERSION_NUMBER (SNE_VERSION_MAJOR * 10000 + SNE_VERSION_MINOR * 100 + SNE_VERSION_PATCH)

namespace sne {

/// "X.Y.Z" of the library at run time (it may differ from the headers compiled against).
SNE_EXPORT std::string_view version() noexcept;
/// SNE_VERSION_NUMBER of the library at run time.
SNE_EXPORT int version_number() noexcept;

}  // namespace sne
