// libsne without sne::sandbox, as an editor who does not link it has it: this program links
// sne::sne alone (tests/CMakeLists.txt), so the endpoint "sandbox" must say why it is refused.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <link.h>

#include <string>

#include "sne/service.hpp"

using namespace sne;

namespace {

/// Whether a library whose file name contains `name` is loaded in this process.
bool loaded(const char* name) {
  struct Search {
    const char* name;
    bool found = false;
  } search{name};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        if (info->dlpi_name != nullptr &&
            std::string(info->dlpi_name).find(s->name) != std::string::npos)
          s->found = true;
        return 0;
      },
      &search);
  return search.found;
}

}  // namespace

TEST_CASE("no sandbox: libsne is loaded, libsne_sandbox and SQLite are not") {
  CHECK(loaded("libsne.so"));
  CHECK_FALSE(loaded("libsne_sandbox"));
  CHECK_FALSE(loaded("libsqlite3"));
}

TEST_CASE("no sandbox: the endpoint sandbox is refused, naming the library to link") {
  Paths paths;
  paths.data_dir = "/home/a/.local/share/sne";
  for (const char* endpoint : {"sandbox", "sandbox:/tmp/x.db"}) {
    auto parsed = parse_endpoint(endpoint, paths);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code() == ErrorCode::invalid_input);
    CHECK(parsed.error().subject() == "endpoint");
    CHECK(parsed.error().message() ==
          std::string("endpoint '") + endpoint +
              "': the embedded sandbox is not part of this program: link sne::sandbox "
              "(libsne_sandbox.so) and call sne::register_embedded_sandbox()");
  }
  ServiceOptions options;  // the default endpoint is "sandbox"
  auto service = open_service(options, paths);
  REQUIRE_FALSE(service.ok());
  CHECK(service.error().message().find("not part of this program") != std::string::npos);
}

TEST_CASE("no sandbox: the network backends work the same, with no demo identity") {
  Paths paths;
  auto https = parse_endpoint("https://sne.example.org/", paths);
  REQUIRE(https.ok());
  CHECK(https->canonical == "https://sne.example.org");
  CHECK_FALSE(demo_sign_in(*https).has_value());
  auto other = parse_endpoint("ftp://x", paths);
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().message() ==
        "endpoint 'ftp://x': expected sandbox, sandbox:PATH, http://... or https://...");
}
