// The REST client's reading of the service's answers: errors with their code, status and
// request id.
#include <doctest/doctest.h>

#include "client/rest_service.hpp"
#include "http/message.hpp"

using namespace sne;
using namespace sne::http;

TEST_CASE("client: an error answer becomes the Error of its code, status and request id") {
  Response r{409,
             {{"X-Request-Id", "abc123"}},
             R"({"error": {"code": "conflict", "message": "category full", "field": "pieces"}})"};
  const Error e = client::error_from_response(r, "POST /v1/demandes/x/plis");
  CHECK(e.code() == ErrorCode::conflict);
  CHECK(e.message() == "category full");
  CHECK(e.subject() == "pieces");
  CHECK(e.http_status() == 409);
  CHECK(e.request_id() == "abc123");

  // No error object: the status decides; a 5xx is a server error, retryable for 503.
  const Error html = client::error_from_response({503, {}, "<html>busy</html>"}, "GET /v1/me");
  CHECK(html.code() == ErrorCode::server);
  CHECK(html.retryable());
  CHECK(html.message() == "GET /v1/me answered HTTP 503");
  CHECK(client::error_from_response({404, {}, ""}, "x").code() == ErrorCode::not_found);
  CHECK(client::error_from_response({401, {}, ""}, "x").code() == ErrorCode::unauthenticated);
  // Terminal escapes in a server's message do not reach the user's screen.
  const Error evil = client::error_from_response(
      {400, {}, R"({"error": {"code": "invalid_input", "message": "bad\u001b[2Jinput"}})"}, "x");
  CHECK(evil.message().find('\x1b') == std::string::npos);
}

TEST_CASE("client: a 429 says how long to wait, from Retry-After when the message does not") {
  const Error e = client::error_from_response(
      {429,
       {{"Retry-After", "8"}},
       R"({"error": {"code": "rate_limited", "message": "slow down"}})"},
      "POST /v1/auth/token");
  CHECK(e.code() == ErrorCode::rate_limited);
  CHECK(e.message() == "slow down; try again in 8 s");
  const Error said = client::error_from_response(
      {429,
       {{"Retry-After", "8"}},
       R"({"error": {"code": "rate_limited", "message": "too many; try again in 8 s"}})"},
      "x");
  CHECK(said.message() == "too many; try again in 8 s");
  CHECK(client::error_from_response({429, {}, ""}, "x").message() == "x answered HTTP 429");
}
