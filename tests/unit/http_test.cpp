#include <doctest/doctest.h>

#include <deque>

#include "../support/scripted_transport.hpp"
#include "http/curl_transport.hpp"
#include "http/logging.hpp"
#include "http/message.hpp"
#include "http/retry.hpp"

using namespace sne;
using namespace sne::http;
using sne::testing::Script;
using sne::testing::ScriptedTransport;
using namespace std::chrono_literals;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

Response status(int code, Headers headers = {}) { return Response{code, std::move(headers), ""}; }

struct Harness {
  Script script;
  std::vector<std::chrono::milliseconds> waits;
  std::chrono::steady_clock::time_point now{};
  std::unique_ptr<RetryingTransport> transport;

  explicit Harness(RetryPolicy policy = {}) {
    transport = std::make_unique<RetryingTransport>(
        std::make_unique<ScriptedTransport>(script), policy,
        [this](std::chrono::milliseconds d) {
          waits.push_back(d);
          now += d;
          return true;
        },
        [this] { return now; }, 42);
  }
};

}  // namespace

TEST_CASE("http: headers are found whatever their case") {
  Headers h{{"Content-Type", "application/json"}, {"retry-after", "3"}};
  CHECK(header(h, "content-type") == "application/json");
  CHECK(header(h, "Retry-After") == "3");
  CHECK_FALSE(header(h, "X-Nothing").has_value());
}

TEST_CASE("http: percent encoding round-trips and malformed escapes are refused") {
  CHECK(percent_encode("a b/é&=") == "a%20b%2F%C3%A9%26%3D");
  CHECK(percent_decode("a%20b%2F%C3%A9%26%3D") == "a b/é&=");
  CHECK_FALSE(percent_decode("%").has_value());
  CHECK_FALSE(percent_decode("%4").has_value());
  CHECK_FALSE(percent_decode("%zz").has_value());
  CHECK(query_string({{"statut", "rejet_dossier"}, {"cursor", "1.ab c"}}) ==
        "statut=rejet_dossier&cursor=1.ab%20c");
}

TEST_CASE("http: only idempotent or keyed requests are safe to retry") {
  CHECK(Request{"GET", "/", {}, {}, {}}.safe_to_retry());
  CHECK(Request{"PUT", "/", {}, {}, {}}.safe_to_retry());
  CHECK(Request{"DELETE", "/", {}, {}, {}}.safe_to_retry());
  CHECK_FALSE(Request{"POST", "/", {}, {}, {}}.safe_to_retry());
  CHECK_FALSE(Request{"PATCH", "/", {}, {}, {}}.safe_to_retry());
  CHECK(Request{"POST", "/", {{"Idempotency-Key", "k"}}, {}, {}}.safe_to_retry());
  CHECK_FALSE(Request{"POST", "/", {{"Idempotency-Key", ""}}, {}, {}}.safe_to_retry());
}

TEST_CASE("retry: 503 then 200 on a GET: retried after a backoff within the bound") {
  Harness h;
  h.script.then({status(503), status(502), status(200)});
  auto r = h.transport->send({"GET", "/v1/me", {}, {}, {}});
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(h.script.seen.size() == 3);
  REQUIRE(h.waits.size() == 2);
  CHECK(h.waits[0] >= 250ms);  // half of the base delay at least
  CHECK(h.waits[0] <= 500ms);
  CHECK(h.waits[1] >= 500ms);
  CHECK(h.waits[1] <= 1000ms);
}

TEST_CASE("retry: connection failures are retried, up to max_attempts") {
  Harness h;
  for (int i = 0; i < 4; ++i) h.script.then({Error(ErrorCode::network, "refused")});
  auto r = h.transport->send({"GET", "/v1/plis", {}, {}, {}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::network);
  CHECK(h.script.seen.size() == 4);
  CHECK(h.waits.size() == 3);
}

TEST_CASE("retry: a POST without Idempotency-Key is never repeated") {
  Harness h;
  h.script.then({status(503)});
  auto r = h.transport->send({"POST", "/v1/account-requests", {}, "{}", {}});
  REQUIRE(r.ok());
  CHECK(r->status == 503);
  CHECK(h.script.seen.size() == 1);
  CHECK(h.waits.empty());
}

TEST_CASE("retry: a keyed POST is repeated with the same key") {
  Harness h;
  h.script.then({Result<Response>(Error(ErrorCode::network, "reset")), status(201)});
  auto r = h.transport->send({"POST", "/v1/uploads", {{"Idempotency-Key", "k1"}}, "x", {}});
  REQUIRE(r.ok());
  CHECK(h.script.seen.size() == 2);
  CHECK(header(h.script.seen[1].headers, "Idempotency-Key") == "k1");
}

TEST_CASE("retry: 4xx other than 408 and 429 are final") {
  for (int code : {400, 401, 403, 404, 409, 413}) {
    Harness h;
    h.script.then({status(code)});
    auto r = h.transport->send({"GET", "/", {}, {}, {}});
    CHECK(r->status == code);
    CHECK(h.waits.empty());
  }
}

TEST_CASE("retry: Retry-After is honoured, and one longer than max_delay ends the retries") {
  Harness h;
  h.script.then({status(429, {{"Retry-After", "2"}}), status(200)});
  auto r = h.transport->send({"GET", "/", {}, {}, {}});
  CHECK(r->status == 200);
  REQUIRE(h.waits.size() == 1);
  CHECK(h.waits[0] == 2000ms);

  Harness patient;
  patient.script.then({status(503, {{"Retry-After", "3600"}})});
  auto r2 = patient.transport->send({"GET", "/", {}, {}, {}});
  CHECK(r2->status == 503);
  CHECK(patient.waits.empty());
}

TEST_CASE("retry: no retry once max_total would be exceeded") {
  RetryPolicy policy;
  policy.max_attempts = 10;
  policy.base_delay = 1000ms;
  policy.max_total = 2500ms;
  Harness h(policy);
  for (int i = 0; i < 10; ++i) h.script.then({status(504)});
  auto r = h.transport->send({"GET", "/", {}, {}, {}});
  CHECK(r->status == 504);
  std::chrono::milliseconds total{};
  for (auto w : h.waits) total += w;
  CHECK(total <= 2500ms);
  CHECK(h.script.seen.size() < 10);
}

TEST_CASE("retry: Retry-After as an HTTP date") {
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21 07:28:00
  auto d = retry_after({{"Retry-After", "Wed, 21 Oct 2015 07:28:05 GMT"}}, now);
  REQUIRE(d.has_value());
  CHECK(*d == 5000ms);
  CHECK_FALSE(retry_after({{"Retry-After", "soon"}}, now).has_value());
  CHECK_FALSE(retry_after({}, now).has_value());
}

TEST_CASE("debug log: one line per exchange, headers redacted, bodies never shown") {
  Script script;
  script.then({Response{201, {{"Set-Cookie", "s=cookie-secret"}}, R"({"token":"tok-secret"})"},
               Result<Response>(Error(ErrorCode::network, "connection refused"))});
  std::vector<std::string> lines;
  auto t = with_debug_log(std::make_unique<ScriptedTransport>(script), "https://sne.example",
                          [&](std::string_view l) { lines.emplace_back(l); });
  REQUIRE(t->send({"POST",
                   "/v1/auth/token",
                   {{"Authorization", "Bearer tok-old"}},
                   R"({"password":"pw-secret"})",
                   {}})
              .ok());
  REQUIRE_FALSE(t->send({"GET", "/v1/me", {}, {}, {}}).ok());
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  CHECK(all.find("POST https://sne.example/v1/auth/token -> 201") != std::string::npos);
  CHECK(all.find("GET https://sne.example/v1/me -> failed") != std::string::npos);
  CHECK(all.find("connection refused") != std::string::npos);
  for (const char* secret : {"tok-secret", "tok-old", "pw-secret", "cookie-secret"})
    CHECK_MESSAGE(all.find(secret) == std::string::npos, secret);
}

TEST_CASE("debug log: secrets are redacted from header lines") {
  CHECK(redact_header("Authorization", "Bearer secret") == "Authorization: [redacted]");
  CHECK(redact_header("session-token", "s") == "session-token: [redacted]");
  CHECK(redact_header("App-Token", "s") == "App-Token: [redacted]");
  CHECK(redact_header("Content-Type", "application/json") == "Content-Type: application/json");
}

TEST_CASE("curl: an unreachable server is a network error naming the endpoint") {
  CurlOptions o;
  o.base_url = "http://127.0.0.1:1";
  o.connect_timeout = 2000ms;
  auto t = make_curl_transport(o);
  REQUIRE(t.ok());
  auto r = (*t)->send({"GET", "/v1/me", {}, {}, {}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::network);
  CHECK(r.error().message().find("127.0.0.1:1") != std::string::npos);
  CHECK(r.error().retryable());
}

TEST_CASE("curl: a CA file that cannot be read is refused before any request") {
  CurlOptions o;
  o.base_url = "https://example.test";
  o.cacert = "/nonexistent/ca.pem";
  auto t = make_curl_transport(o);
  REQUIRE_FALSE(t.ok());
  // The option at fault is the subject; the message names the file, not a flag of a program.
  CHECK(t.error().subject() == "cacert");
  CHECK(t.error().code() == ErrorCode::io);
  CHECK(t.error().message().rfind("CA file /nonexistent/ca.pem: ", 0) == 0);
  CHECK(t.error().message().find("--") == std::string::npos);
}

TEST_CASE("http: split_query keeps pairs as written, in order, and skips empty ones") {
  const auto pairs = sne::http::split_query("a=1&&b&c=x%20y=z&=v");
  REQUIRE(pairs.size() == 4);
  CHECK(pairs[0].key == "a");
  CHECK(pairs[0].value == "1");
  CHECK(pairs[1].key == "b");
  CHECK(pairs[1].value.empty());
  CHECK(pairs[2].key == "c");
  CHECK(pairs[2].value == "x%20y=z");
  CHECK(pairs[3].key.empty());
  CHECK(pairs[3].value == "v");
  CHECK(sne::http::split_query("").empty());
}

TEST_CASE("a multipart/form-data body is read back into its parts, and malformed ones refused") {
  const std::string type = "multipart/form-data; boundary=\"b-1\"";
  const std::string body =
      "ignored preamble\r\n"
      "--b-1\r\n"
      "Content-Disposition: form-data; name=\"uploadManifest\"\r\n"
      "Content-Type: application/json\r\n\r\n"
      "{\"a\":1}\r\n"
      "--b-1 \t\r\n"
      "content-disposition: FORM-DATA; filename=\"scan \\\"1\\\".pdf\"; name=filename[0]\r\n\r\n"
      "%PDF\r\n--b\r\n\r\n"  // a line that only looks like a boundary stays in the data
      "--b-1--\r\nepilogue";
  auto parts = parse_multipart(type, body);
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].name == "uploadManifest");
  CHECK((*parts)[0].filename.empty());
  CHECK((*parts)[0].content_type == "application/json");
  CHECK((*parts)[0].data == "{\"a\":1}");
  CHECK((*parts)[1].name == "filename[0]");
  CHECK((*parts)[1].filename == "scan \"1\".pdf");
  CHECK((*parts)[1].data == "%PDF\r\n--b\r\n");
  CHECK(header_parameter(type, "BOUNDARY") == "b-1");
  CHECK_FALSE(header_parameter("form-data; name=\"x", "name").has_value());
  CHECK(header_parameter("form-data; flag; name=\"a\"", "name") == "a");
  CHECK_FALSE(header_parameter("form-data; flag", "flag").has_value());

  const auto refused = [](std::string_view t, std::string_view b) {
    auto r = parse_multipart(t, b);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::invalid_input);
    return r.error().message();
  };
  CHECK(refused("multipart/form-data", "--x\r\n").find("boundary") != std::string::npos);
  CHECK(refused("multipart/form-data; boundary=zz", "0123456789").find("opening") !=
        std::string::npos);
  CHECK(refused("multipart/form-data; boundary=a", "--a\r\nX: y\r\n\r\ndata\r\n--a--")
            .find("no Content-Disposition name") != std::string::npos);
  CHECK(refused("multipart/form-data; boundary=a",
                "--a\r\nContent-Disposition: form-data; name=x\r\n\r\nnot closed")
            .find("not closed") != std::string::npos);
  CHECK(refused("multipart/form-data; boundary=a",
                "--a\r\nContent-Disposition: attachment; name=x"
                "\r\n\r\nd\r\n--a--")
            .find("not form-data") != std::string::npos);
  std::string many;
  for (std::size_t i = 0; i <= kMaxFormParts; ++i)
    many += "--a\r\nContent-Disposition: form-data; name=p\r\n\r\nd\r\n";
  CHECK(refused("multipart/form-data; boundary=a", many + "--a--").find("more than") !=
        std::string::npos);
}

TEST_CASE("http: dates as HTTP writes them, whatever the locale") {
  CHECK(http::http_date(at("1994-11-06T08:49:37Z")) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(http::http_date(at("2026-01-01T00:00:00Z")) == "Thu, 01 Jan 2026 00:00:00 GMT");
  CHECK(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == at("1994-11-06T08:49:37Z"));
  const Timestamp t = at("2025-04-18T23:59:59Z");
  CHECK(http::parse_http_date(http::http_date(t)) == t);
  CHECK_FALSE(http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));  // RFC 850: obsolete
  CHECK_FALSE(http::parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  CHECK_FALSE(http::parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
  CHECK_FALSE(http::parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT"));
  CHECK_FALSE(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
  CHECK_FALSE(http::parse_http_date(""));
}
