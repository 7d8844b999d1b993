#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sne/credentials.hpp"
#include "sne/service.hpp"
#include "sne/timestamp.hpp"

using namespace sne;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/sne-unit-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

TEST_CASE("timestamp: ISO 8601 UTC round trip") {
  auto t = parse_timestamp("2026-11-22T09:30:05Z");
  REQUIRE(t.ok());
  CHECK(format_timestamp(*t) == "2026-11-22T09:30:05Z");
  CHECK(format_timestamp(Timestamp{}) == "1970-01-01T00:00:00Z");
  for (const char* bad : {"2026-11-22", "2026-11-22T09:30:05", "2026-11-22T24:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-11-22 09:30:05Z", "1969-12-31T23:59:59Z",
                          "2026-11-22T09:60:00Z", "2026-11-22T0a:00:00Z", "2999-01-01T00:00:00Z"})
    CHECK_FALSE(parse_timestamp(bad).ok());
}

TEST_CASE("endpoint: the table by scheme") {
  Paths paths;
  paths.data_dir = "/home/a/.local/share/sne";
  auto def = parse_endpoint("sandbox", paths);
  REQUIRE(def.ok());
  CHECK(def->kind == EndpointInfo::Kind::embedded_sandbox);
  CHECK(def->sandbox_path == "/home/a/.local/share/sne/sandbox.db");
  CHECK(def->canonical == "sandbox:/home/a/.local/share/sne/sandbox.db");
  auto file = parse_endpoint("sandbox:/tmp/x.db", paths);
  REQUIRE(file.ok());
  CHECK(file->sandbox_path == "/tmp/x.db");
  auto https = parse_endpoint("https://sne.example.org/api/", paths);
  REQUIRE(https.ok());
  CHECK(https->kind == EndpointInfo::Kind::http);
  CHECK(https->canonical == "https://sne.example.org/api");
  CHECK(parse_endpoint("http://127.0.0.1:8470", paths).ok());
  CHECK(parse_endpoint("http://localhost:8470/sne", paths).ok());
  CHECK(parse_endpoint("http://[::1]:8470", paths).ok());
  // Plain HTTP would carry passwords and tokens in clear beyond this machine.
  for (const char* remote :
       {"http://sne.example.org", "http://10.0.0.1:8470", "http://127.0.0.1.example.org"})
    CHECK_FALSE(parse_endpoint(remote, paths).ok());
  for (const char* bad : {"ftp://x", "sandboxes", "sandbox:", "https://", "https://u:p@host",
                          "https://host/a b", "https://host/?q=1", "", "SANDBOX"}) {
    auto r = parse_endpoint(bad, paths);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.error().subject() == "endpoint");
  }
}

TEST_CASE("credentials: stored per endpoint, file mode 0600, atomically replaced") {
  TempDir dir;
  CredentialStore store(dir.path + "/conf/sne/credentials");
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
  const std::string path = dir.path + "/credentials";
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
  const std::string path = dir.path + "/credentials";
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
