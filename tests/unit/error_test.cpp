#include <doctest/doctest.h>

#include "sne/error.hpp"

using namespace sne;

TEST_CASE("error: codes have stable snake_case names") {
  CHECK(to_string(ErrorCode::invalid_input) == "invalid_input");
  CHECK(to_string(ErrorCode::not_found) == "not_found");
  CHECK(to_string(ErrorCode::rate_limited) == "rate_limited");
  CHECK(to_string(ErrorCode::internal) == "internal");
}

TEST_CASE("error: only transient failures are retryable") {
  CHECK(Error(ErrorCode::network, "reset").retryable());
  CHECK(Error(ErrorCode::rate_limited, "slow down").with_http(429).retryable());
  CHECK(Error(ErrorCode::server, "x").with_http(503).retryable());
  CHECK_FALSE(Error(ErrorCode::server, "x").with_http(501).retryable());
  CHECK_FALSE(Error(ErrorCode::server, "unintelligible answer").retryable());
  CHECK_FALSE(Error(ErrorCode::invalid_input, "bad").retryable());
  CHECK_FALSE(Error(ErrorCode::unauthenticated, "who?").with_http(401).retryable());
}

TEST_CASE("error: carries subject, HTTP status and request id") {
  Error e(ErrorCode::not_found, "no such pli", "transaction");
  e.with_http(404, "req-42").prefixed("pli show");
  CHECK(e.message() == "pli show: no such pli");
  CHECK(e.subject() == "transaction");
  CHECK(e.http_status() == 404);
  CHECK(e.request_id() == "req-42");
}

TEST_CASE("result: holds a value or an error, and refuses the wrong access") {
  Result<int> good = 42;
  REQUIRE(good.ok());
  CHECK(*good == 42);
  CHECK_THROWS_AS((void)good.error(), BadResultAccess);

  Result<int> bad = Error(ErrorCode::io, "disk full");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::io);
  CHECK(bad.value_or(7) == 7);
  CHECK_THROWS_AS((void)bad.value(), BadResultAccess);

  Status ok;
  CHECK(ok.ok());
  CHECK_THROWS_AS((void)ok.error(), BadResultAccess);
  Status failed = Error(ErrorCode::conflict, "full");
  CHECK(failed.error().message() == "full");
}
