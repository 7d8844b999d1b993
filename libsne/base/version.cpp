#include "sne/version.hpp"

namespace sne {

std::string_view version() noexcept { return SNE_VERSION; }

}  // namespace sne
