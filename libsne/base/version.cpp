#include "sne/version.hpp"

namespace sne {

// SNE_VERSION, the string CMake gives, is made of the same three numbers as the header's.
std::string_view version() noexcept { return SNE_VERSION; }

int version_number() noexcept { return SNE_VERSION_NUMBER; }

}  // namespace sne
