// Internal: the few cryptographic primitives libsne needs, from OpenSSL's libcrypto (already
// linked by libcurl): a CSPRNG for tokens and keys, SHA-256, and PBKDF2 for the sandbox's
// password store. Knows nothing of the domain. They are the plugin `crypto` (crypto.cpp, see
// base/plugin.hpp), loaded at the first call: when it cannot be loaded, sha256_file_hex returns
// the io error naming it, the others throw std::runtime_error with that message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/internal_export.hpp"
#include "sne/error.hpp"

namespace sne::crypto {

/// `count` random characters of [a-z0-9] from the system CSPRNG. Throws std::runtime_error
/// only if the CSPRNG fails, which the kernel does not do once booted.
SNE_INTERNAL_EXPORT std::string random_alnum(std::size_t count);
/// `bytes` random bytes, hex encoded.
SNE_INTERNAL_EXPORT std::string random_hex(std::size_t bytes);
/// SHA-256 of `data`, lower-case hex.
SNE_INTERNAL_EXPORT std::string sha256_hex(std::string_view data);
/// SHA-1 of `data`, lower-case hex: not for security, only where another system names files by
/// it (the sandbox's GLPI stores documents as GLPI does, under their SHA-1).
SNE_INTERNAL_EXPORT std::string sha1_hex(std::string_view data);
/// SHA-256 of a file's content, read in 64 KiB chunks; io error naming the path.
SNE_INTERNAL_EXPORT Result<std::string> sha256_file_hex(const std::string& path);

/// A salted slow hash of `password`: "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX".
SNE_INTERNAL_EXPORT std::string hash_password(std::string_view password, unsigned iterations);
/// Whether `password` matches `stored` (constant-time comparison); false for a malformed
/// `stored`.
SNE_INTERNAL_EXPORT bool verify_password(std::string_view password, std::string_view stored);
/// The iterations of new hashes: 120,000 rounds of HMAC-SHA-256, about 50 ms here.
inline constexpr unsigned kPasswordIterations = 120000;

}  // namespace sne::crypto
