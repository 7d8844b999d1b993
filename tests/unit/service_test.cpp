// Endpoints: the table of backends by scheme.
#include <doctest/doctest.h>

#include "sne/service.hpp"

using namespace sne;

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
