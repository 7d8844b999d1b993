// sne/version.hpp - the version of the libsne that is linked.
#pragma once

#include <string_view>

namespace sne {

/// "X.Y.Z" of the library at run time (it may differ from the headers compiled against).
std::string_view version() noexcept;

}  // namespace sne
