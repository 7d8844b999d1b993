// Internal: what the plugin `crypto` (crypto.cpp, libcrypto) gives libsne, whose functions of
// crypto.hpp call it (crypto_plugin.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/internal_export.hpp"
#include "sne/error.hpp"

namespace sne::crypto {

/// The functions of crypto.hpp, as the plugin implements them.
struct Backend {
  std::string (*random_alnum)(std::size_t count);
  std::string (*random_hex)(std::size_t bytes);
  std::string (*sha256_hex)(std::string_view data);
  std::string (*sha1_hex)(std::string_view data);
  Result<std::string> (*sha256_file_hex)(const std::string& path);
  std::string (*hash_password)(std::string_view password, unsigned iterations);
  bool (*verify_password)(std::string_view password, std::string_view stored);
};

/// Called by the plugin's static initialiser.
SNE_INTERNAL_EXPORT void provide_backend(const Backend& backend) noexcept;

}  // namespace sne::crypto
