// The credentials store: one token per endpoint, in a file of mode 0600 replaced atomically.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

#include "../support/temp_dir.hpp"
#include "sne/credentials.hpp"
#include "sne/timestamp.hpp"

using namespace sne;
using sne::testing::TempDir;

TEST_CASE("credentials: stored per endpoint, file mode 0600, atomically replaced") {
  TempDir dir;
  CredentialStore store(dir.path() + "/conf/sne/credentials");
  auto none = store.get("sandbox:/x");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  const auto expires = *parse_timestamp("2030-01-01T00:00:00Z");
  REQUIRE(store.put("sandbox:/x", {"tok-1", "a@b.c", expires}).ok());
  REQUIRE(store.put("https://sne.example.org", {"tok-2", "d@e.f", expires}).ok());
  auto got = store.get("sandbox:/x");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->token == "tok-1");
  CHECK((*got)->email == "a@b.c");
  CHECK((*got)->expires_at == expires);
  CHECK((*store.get("https://sne.example.org"))->token == "tok-2");
  struct stat st {};
  REQUIRE(stat(store.path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(store.erase("sandbox:/x").ok());
  CHECK_FALSE(store.get("sandbox:/x")->has_value());
  CHECK(store.get("https://sne.example.org")->has_value());
}

TEST_CASE("credentials: a file readable by others is refused, without printing its content") {
  TempDir dir;
  const std::string path = dir.path() + "/credentials";
  {
    std::ofstream out(path);
    out << "[\"sandbox:/x\"]\ntoken = \"very-secret\"\nemail = \"a@b.c\"\n"
           "expires_at = \"2030-01-01T00:00:00Z\"\n";
  }
  REQUIRE(chmod(path.c_str(), 0644) == 0);
  CredentialStore store(path);
  auto got = store.get("sandbox:/x");
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code() == ErrorCode::forbidden);
  CHECK(got.error().message().find("chmod 600") != std::string::npos);
  CHECK(got.error().message().find("very-secret") == std::string::npos);
  CHECK_FALSE(store.put("sandbox:/y", {"t", "e", {}}).ok());  // nor written over
  REQUIRE(chmod(path.c_str(), 0600) == 0);
  CHECK(store.get("sandbox:/x").ok());
}

TEST_CASE("credentials: a broken file names its line, never its content") {
  TempDir dir;
  const std::string path = dir.path() + "/credentials";
  {
    std::ofstream out(path);
    out << "[\"sandbox:/x\"]\ntoken = \"very-secret\n";
  }
  REQUIRE(chmod(path.c_str(), 0600) == 0);
  auto got = CredentialStore(path).get("sandbox:/x");
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code() == ErrorCode::invalid_input);
  CHECK(got.error().message().find("line 2") != std::string::npos);
  CHECK(got.error().message().find("very-secret") == std::string::npos);
}
