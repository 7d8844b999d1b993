// The table of backends (libsne/client/backends.hpp) and the embedded sandbox's place in it:
// this program links sne::sandbox. no_sandbox_test.cpp is the same library without it.
#include <doctest/doctest.h>

#include "../support/temp_dir.hpp"
#include "client/backends.hpp"
#include "sne/sandbox.hpp"
#include "sne/service.hpp"

using namespace sne;

namespace {

Paths test_paths() {
  Paths paths;
  paths.data_dir = "/home/a/.local/share/sne";
  return paths;
}

Result<EndpointInfo> parse_memory(std::string_view endpoint, const Paths&) {
  if (endpoint != "memory:") return client::bad_endpoint(endpoint, "expected memory:");
  EndpointInfo info;
  info.kind = EndpointInfo::Kind::http;
  info.canonical = "memory:";
  return info;
}

Result<std::unique_ptr<http::Transport>> open_memory(const EndpointInfo&,
                                                     const client::TransportOptions&) {
  return Error(ErrorCode::network, "the memory backend has no transport");
}

}  // namespace

TEST_CASE("backends: the embedded sandbox registers itself when its library is loaded") {
  // Nothing in this test called register_embedded_sandbox() before: the static initializer of
  // libsne_sandbox.so did.
  auto sandbox = client::find_backend("sandbox:/tmp/x.db");
  REQUIRE(sandbox.has_value());
  CHECK(sandbox->prefix == "sandbox");
  auto parsed = parse_endpoint("sandbox", test_paths());
  REQUIRE(parsed.ok());
  CHECK(parsed->canonical == "sandbox:/home/a/.local/share/sne/sandbox.db");
}

TEST_CASE("backends: registering again replaces the entry of the same prefix") {
  register_embedded_sandbox();
  register_embedded_sandbox();
  auto parsed = parse_endpoint("sandbox:/tmp/x.db", test_paths());
  REQUIRE(parsed.ok());
  CHECK(parsed->sandbox_path == "/tmp/x.db");

  client::Backend memory;
  memory.prefix = "memory:";
  memory.parse = parse_memory;
  memory.open = open_memory;
  client::register_backend(memory);
  auto made = parse_endpoint("memory:", test_paths());
  REQUIRE(made.ok());
  CHECK(made->canonical == "memory:");
  auto opened = client::open_transport(*made, {});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().message() == "the memory backend has no transport");
  CHECK_FALSE(demo_sign_in(*made).has_value());

  memory.demo = DemoSignIn{"demo@memory.test", "pw", "", "", {}};
  client::register_backend(memory);
  auto demo = demo_sign_in(*made);
  REQUIRE(demo.has_value());
  CHECK(demo->email == "demo@memory.test");
}

TEST_CASE("backends: the sandbox's demo identity, and none for a real service") {
  auto sandbox = parse_endpoint("sandbox:/tmp/x.db", test_paths());
  REQUIRE(sandbox.ok());
  auto demo = demo_sign_in(*sandbox);
  REQUIRE(demo.has_value());
  CHECK(demo->email == kSandboxAgent);
  CHECK(demo->password == kSandboxPassword);
  CHECK(demo->glpi_app_token == kSandboxGlpiAppToken);
  CHECK(demo->glpi_user_token == kSandboxGlpiUserToken);
  // The référent and the agent of three territories are demo accounts too; agent.metz, like
  // any other address, is not.
  CHECK(demo->other_emails == std::vector<std::string>{kSandboxReferent, kSandboxMulti});
  CHECK(demo->is_demo_account(kSandboxAgent));
  CHECK(demo->is_demo_account(kSandboxReferent));
  CHECK(demo->is_demo_account(kSandboxMulti));
  CHECK_FALSE(demo->is_demo_account("agent.metz@sandbox.sne.test"));
  CHECK_FALSE(demo->is_demo_account(""));

  auto https = parse_endpoint("https://sne.example.org", test_paths());
  REQUIRE(https.ok());
  CHECK_FALSE(demo_sign_in(*https).has_value());
}

TEST_CASE("backends: an endpoint no backend knows cannot be opened") {
  EndpointInfo unknown;
  unknown.canonical = "ftp://sne.example.org";
  auto opened = client::open_transport(unknown, {});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code() == ErrorCode::invalid_input);
  CHECK(opened.error().subject() == "endpoint");
  CHECK_FALSE(demo_sign_in(unknown).has_value());
}

TEST_CASE("backends: a sandbox opened with open_service is signed in by its demo identity") {
  // What sne/sandbox.hpp tells an editor who opens the sandbox by hand.
  sne::testing::TempDir dir("demo");
  ServiceOptions options;
  options.endpoint = "sandbox:" + (dir / "sandbox.db");
  auto service = open_service(options, test_paths());
  REQUIRE(service.ok());
  auto anonymous = (*service)->me();
  REQUIRE_FALSE(anonymous.ok());
  CHECK(anonymous.error().code() == ErrorCode::unauthenticated);

  auto demo = demo_sign_in((*service)->endpoint());
  REQUIRE(demo.has_value());
  auto session = (*service)->login(demo->email, demo->password);
  REQUIRE(session.ok());
  (*service)->set_token(session->token);
  auto me = (*service)->me();
  REQUIRE(me.ok());
  CHECK(me->email == kSandboxAgent);
}
