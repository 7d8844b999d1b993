// libsne's side of the plugin `crypto` (crypto.cpp): libcrypto, a 4 MB library whose
// relocations alone were a third of a light command's memory, is loaded at the first hash or
// random draw, not at every start of a program that links libsne.
#include <stdexcept>

#include "base/i18n.hpp"
#include "base/plugin.hpp"
#include "crypto/backend.hpp"
#include "crypto/crypto.hpp"

namespace sne::crypto {

namespace {

constinit plugin::Slot<Backend> g_crypto{"crypto", N_("the cryptography library (libcrypto)")};

/// The plugin's table. These functions have no error to return but their own (a random
/// generator that fails throws std::runtime_error): a plugin that cannot be loaded throws the
/// same, with the loader's reason.
const Backend& backend() {
  auto table = g_crypto.get();
  if (!table) throw std::runtime_error(table.error().message());
  return **table;
}

}  // namespace

void provide_backend(const Backend& table) noexcept { g_crypto.provide(table); }

std::string random_alnum(std::size_t count) { return backend().random_alnum(count); }
std::string random_hex(std::size_t bytes) { return backend().random_hex(bytes); }
std::string sha256_hex(std::string_view data) { return backend().sha256_hex(data); }
std::string sha1_hex(std::string_view data) { return backend().sha1_hex(data); }

Result<std::string> sha256_file_hex(const std::string& path) {
  auto table = g_crypto.get();
  if (!table) return table.error();
  return (*table)->sha256_file_hex(path);
}

std::string hash_password(std::string_view password, unsigned iterations) {
  return backend().hash_password(password, iterations);
}

bool verify_password(std::string_view password, std::string_view stored) {
  return backend().verify_password(password, stored);
}

}  // namespace sne::crypto
