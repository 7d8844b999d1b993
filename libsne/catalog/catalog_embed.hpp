// Internal: the catalog document embedded at build time (libsne/catalog/catalog_data.json).
#pragma once

#include <string_view>

namespace sne::catalog_embed {
std::string_view json() noexcept;
}
