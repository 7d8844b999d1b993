#include "crypto/backend.hpp"

#include <cstring>

#include <cstdio>

#include <cerrno>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <charconv>
#include <memory>
#include <stdexcept>
#include <vector>

namespace sne::crypto {

namespace {

void fill_random(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1)
    throw std::runtime_error("the system random generator failed");
}

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

bool from_hex(std::string_view hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2 != 0 || hex.empty()) return false;
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || p != hex.data() + i + 2) return false;
    out.push_back(static_cast<unsigned char>(v));
  }
  return true;
}

std::vector<unsigned char> pbkdf2(std::string_view password, const std::vector<unsigned char>& salt,
                                  unsigned iterations) {
  std::vector<unsigned char> key(32);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        static_cast<int>(key.size()), key.data()) != 1)
    throw std::runtime_error("PBKDF2 failed");
  return key;
}

std::string random_alnum(std::size_t count) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(count);
  unsigned char buf[64];
  while (out.size() < count) {
    fill_random(buf, sizeof buf);
    for (unsigned char c : buf) {
      if (c >= 252) continue;  // 252 = 36 * 7: keeps the draw uniform
      out += kAlphabet[c % 36];
      if (out.size() == count) break;
    }
  }
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  fill_random(buf.data(), buf.size());
  return to_hex(buf.data(), buf.size());
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(digest, sizeof digest);
}

std::string sha1_hex(std::string_view data) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(digest, sizeof digest);
}

Result<std::string> sha256_file_hex(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rbe");
  if (f == nullptr) return Error(ErrorCode::io, path + ": " + std::strerror(errno), path);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    (void)std::fclose(f);
    return Error(ErrorCode::internal, "SHA-256 unavailable");
  }
  std::vector<unsigned char> buffer(65536);
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0)
    EVP_DigestUpdate(ctx.get(), buffer.data(), n);
  const bool failed = std::ferror(f) != 0;
  (void)std::fclose(f);
  if (failed) return Error(ErrorCode::io, path + ": read error", path);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &size);
  return to_hex(digest, size);
}

std::string hash_password(std::string_view password, unsigned iterations) {
  std::vector<unsigned char> salt(16);
  fill_random(salt.data(), salt.size());
  const auto key = pbkdf2(password, salt, iterations);
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + to_hex(salt.data(), salt.size()) +
         "$" + to_hex(key.data(), key.size());
}

bool verify_password(std::string_view password, std::string_view stored) {
  constexpr std::string_view kScheme = "pbkdf2-sha256$";
  if (stored.substr(0, kScheme.size()) != kScheme) return false;
  stored.remove_prefix(kScheme.size());
  const auto d1 = stored.find('$');
  const auto d2 = stored.find('$', d1 == std::string_view::npos ? d1 : d1 + 1);
  if (d1 == std::string_view::npos || d2 == std::string_view::npos) return false;
  unsigned iterations = 0;
  auto [p, ec] = std::from_chars(stored.data(), stored.data() + d1, iterations);
  if (ec != std::errc() || p != stored.data() + d1 || iterations == 0 || iterations > 10000000)
    return false;
  std::vector<unsigned char> salt, expected;
  if (!from_hex(stored.substr(d1 + 1, d2 - d1 - 1), salt) ||
      !from_hex(stored.substr(d2 + 1), expected) || expected.size() != 32)
    return false;
  const auto key = pbkdf2(password, salt, iterations);
  return CRYPTO_memcmp(key.data(), expected.data(), key.size()) == 0;
}

// Handed to libsne when the plugin is loaded (or, linked into a program, before main).
constexpr Backend kBackend{&random_alnum,    &random_hex,    &sha256_hex,     &sha1_hex,
                           &sha256_file_hex, &hash_password, &verify_password};
[[maybe_unused]] const bool kProvided = (provide_backend(kBackend), true);

}  // namespace

}  // namespace sne::crypto
