// The REST client's reading of the service's answers: errors with their code, status and
// request id.
#include <doctest/doctest.h>

#include "../support/scripted_transport.hpp"
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

namespace {

constexpr const char* kItem =
    R"({"contexte":"AJO","date_statut":"2026-12-07T23:43:11Z",)"
    R"("date_transmission":"2026-12-07T23:43:11Z","guichet":"G3401","nb_pieces":1,)"
    R"("numero_unique":"0340320120685G3401","statut":"numerisation_en_cours",)"
    R"("transaction":"lxaf4fcje5xzp"})";

/// What the client makes of `body` answered to GET /v1/plis (200, request id r1).
Result<PliPage> page_from(std::string body) {
  sne::testing::Script script;
  script.answers.push_back(sne::testing::reply(200, std::move(body), {{"X-Request-Id", "r1"}}));
  EndpointInfo endpoint;
  endpoint.kind = EndpointInfo::Kind::http;
  endpoint.canonical = "https://sne.example";
  auto service = client::make_rest_service(
      endpoint, std::make_unique<sne::testing::ScriptedTransport>(script), "token");
  PliFilter filter;
  filter.limit = 500;
  return service->plis(filter);
}

std::string with(std::string_view from, std::string_view to) {
  std::string text = std::string(R"({"items":[)") + kItem + "," + kItem + R"(],"next_cursor":"c"})";
  const auto at = text.rfind(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("client: a page of plis is read, or refused naming its fault as the strict reader does") {
  // Read: the service's form, and forms only the strict reader reads (escapes, other members).
  for (const std::string& good : {with("", ""), with("lxaf4fcje5xzp", R"(lxaf4\u0066cje5xzp)"),
                                  with(R"("next_cursor":"c")", R"("next_cursor":"c","total":2)")}) {
    auto page = page_from(good);
    REQUIRE(page.ok());
    REQUIRE(page->items.size() == 2);
    CHECK(page->items[1].transaction == "lxaf4fcje5xzp");
    CHECK(page->items[1].statut == StatutPli::numerisation_en_cours);
    CHECK(page->items[1].nb_pieces == 1);
    CHECK(page->next_cursor == "c");
  }
  // Refused: each message is the strict reader's, with the path of the fault (these are the
  // messages the client gave before pages were read without a tree).
  const std::string prefix = "GET /v1/plis?limit=500: ";
  const std::vector<std::pair<std::string, std::string>> bad{
      {with(R"("statut":"numerisation_en_cours")", R"("statut":"fini")"),
       "unexpected answer: items[1].statut: unknown statut 'fini' (expected "
       "numerisation_en_cours, rejet_pieces, rejet_dossier, enregistrement_complet, "
       "non_applicable)"},
      {with(R"("guichet":"G3401",)", ""), "unexpected answer: items[1]: missing key 'guichet'"},
      {with(R"("guichet":"G3401")", R"("guichet":"")"),
       "unexpected answer: items[1].guichet: expected a non-empty string"},
      {with(R"("nb_pieces":1)", R"("nb_pieces":1000001)"),
       "unexpected answer: items[1].nb_pieces: expected an integer from 0 to 1000000, found "
       "1000001"},
      {with(R"("nb_pieces":1)", R"("nb_pieces":"1")"),
       "unexpected answer: items[1].nb_pieces: expected an integer from 0 to 1000000, found a "
       "string"},
      {with("2026-12-07T23:43:11Z", "2026-12-07"),
       "unexpected answer: items[1].date_transmission: '2026-12-07' is not an instant "
       "YYYY-MM-DDTHH:MM:SSZ"},
      {with(R"("next_cursor":"c")", R"("next_cursor":5)"),
       "unexpected answer: next_cursor: expected a string, found an integer"},
      {R"({"next_cursor":null})", "unexpected answer: missing key 'items'"},
      {R"({"items":{}})", "unexpected answer: items: expected an array, found an object"},
      {with(R"("guichet":"G3401")", R"("guichet":"G3401","guichet":"G3401")"),
       "the answer is not JSON: key 'guichet' appears twice in one object"},
      {with(R"("next_cursor":"c")", R"("next_cursor":"c","items":[])"),
       "the answer is not JSON: key 'items' appears twice in one object"},
      {with(R"(,"next_cursor":"c"})", ","),
       "the answer is not JSON: line 1, column 474: invalid JSON (syntax error while parsing "
       "object key - unexpected end of input; expected string literal)"},
      {with(R"("next_cursor":"c"})", R"("next_cursor":"c"} x)"),
       "the answer is not JSON: line 1, column 493: invalid JSON (syntax error while parsing "
       "value - invalid literal; last read: '\"c\"} x'; expected end of input)"},
  };
  for (const auto& entry : bad) {
    const std::string& text = entry.first;  // not a structured binding: CAPTURE captures it
    const std::string& message = entry.second;
    CAPTURE(text);
    auto page = page_from(text);
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().code() == ErrorCode::server);
    CHECK(page.error().http_status() == 200);
    CHECK(page.error().request_id() == "r1");
    CHECK(page.error().message() == prefix + message);
  }
}
