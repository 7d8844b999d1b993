#include <doctest/doctest.h>

#include <set>

#include "crypto/crypto.hpp"

using namespace sne::crypto;

TEST_CASE("crypto: SHA-256 of known inputs (FIPS 180-4 examples)") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("crypto: a password hash is salted and verifies only its password") {
  const std::string a = hash_password("correct horse", 1000);
  const std::string b = hash_password("correct horse", 1000);
  CHECK(a != b);  // different salts
  CHECK(a.rfind("pbkdf2-sha256$1000$", 0) == 0);
  CHECK(verify_password("correct horse", a));
  CHECK(verify_password("correct horse", b));
  CHECK_FALSE(verify_password("correct horsf", a));
  CHECK_FALSE(verify_password("", a));
}

TEST_CASE("crypto: malformed stored hashes never verify") {
  for (const char* stored :
       {"", "plain", "pbkdf2-sha256$", "pbkdf2-sha256$x$00$00", "pbkdf2-sha256$1000$zz$00",
        "pbkdf2-sha256$1000$00$0011", "pbkdf2-sha256$0$00$" /* no iterations */,
        "pbkdf2-sha256$99999999999$00$00", "md5$1$00$00"})
    CHECK_FALSE(verify_password("x", stored));
}

TEST_CASE("crypto: random tokens have the asked alphabet and length and do not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string t = random_alnum(20);
    CHECK(t.size() == 20);
    CHECK(t.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos);
    CHECK(seen.insert(t).second);
  }
  CHECK(random_hex(16).size() == 32);
}
