// The sandbox's GLPI (libsne/sandbox/glpi*.cpp), driven through Handler::handle with raw HTTP
// requests, as the embedded transport and the server hand them over. What GLPI 10's code does
// is the reference: src/Api/API.php, src/Api/APIRest.php, src/Document.php.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "sandbox/db.hpp"
#include "sandbox/embedded_transport.hpp"
#include "sandbox/handler.hpp"
#include "sandbox/store.hpp"
#include "sandbox_fixture.hpp"
#include "sne/sandbox.hpp"

using namespace sne;
using json = nlohmann::json;

namespace {

constexpr const char* kApp = kSandboxGlpiAppToken;

struct Sandbox : test::TempSandbox {
  Sandbox() : TempSandbox("glpi") {}

  http::Response call(const std::string& method, const std::string& target,
                      http::Headers headers = {}, std::string body = {},
                      std::vector<http::FormPart> parts = {}) {
    http::Request r;
    r.method = method;
    r.target = target;
    r.headers = std::move(headers);
    r.body = std::move(body);
    r.parts = std::move(parts);
    return handler->handle(r);
  }

  /// A session of the demo identity whose user_token is `token`.
  std::string login(const std::string& token = kSandboxGlpiUserToken) {
    auto r = call("GET", "/apirest.php/initSession",
                  {{"App-Token", kApp}, {"Authorization", "user_token " + token}});
    REQUIRE(r.status == 200);
    return json::parse(r.body).at("session_token").get<std::string>();
  }

  http::Response get(const std::string& target, const std::string& session,
                     http::Headers extra = {}) {
    extra.emplace_back("App-Token", kApp);
    extra.emplace_back("Session-Token", session);
    return call("GET", target, std::move(extra));
  }

  http::Response send(const std::string& method, const std::string& target,
                      const std::string& session, const json& body, http::Headers extra = {}) {
    extra.emplace_back("App-Token", kApp);
    extra.emplace_back("Session-Token", session);
    extra.emplace_back("Content-Type", "application/json");
    return call(method, target, std::move(extra), body.dump());
  }

  /// POST Document/ as multipart/form-data: the manifest and one file.
  http::Response upload(const std::string& session, const json& manifest,
                        const std::string& filename, const std::string& bytes,
                        http::Headers extra = {}) {
    extra.emplace_back("App-Token", kApp);
    extra.emplace_back("Session-Token", session);
    std::vector<http::FormPart> parts{
        {"uploadManifest", "", "application/json", manifest.dump(), ""},
        {"filename[0]", filename, "application/pdf", bytes, ""}};
    return call("POST", "/apirest.php/Document/", std::move(extra), {}, std::move(parts));
  }

  /// Creates a ticket named `name`; its id.
  std::int64_t ticket(const std::string& session, const std::string& name = "Pièce refusée") {
    auto r = send("POST", "/apirest.php/Ticket/", session,
                  {{"input", {{"name", name}, {"content", "<p>Bonjour</p>"}}}});
    REQUIRE(r.status == 201);
    return json::parse(r.body).at("id").get<std::int64_t>();
  }

  std::int64_t count(const std::string& sql) {
    sandbox::Db conn(db);
    auto st = conn.prepare(sql);
    REQUIRE(st.step());
    return st.int64(0);
  }

  void exec(const std::string& sql) {
    sandbox::Db conn(db);
    conn.exec(sql);
  }
};

json body(const http::Response& r) { return json::parse(r.body); }

std::string header(const http::Response& r, const std::string& name) {
  return http::header(r.headers, name).value_or("");
}

/// The error code of a GLPI error answer, [CODE, message].
std::string code(const http::Response& r) {
  const json b = body(r);
  REQUIRE(b.is_array());
  REQUIRE(b.size() == 2);
  return b[0].get<std::string>();
}

void change(const Sandbox& s, const SandboxGlpiChange& c) {
  auto done = sandbox_glpi(s.db, c);
  REQUIRE(done);
}

}  // namespace

TEST_CASE("glpi: the App-Token is checked on every call, initSession included") {
  Sandbox s;
  auto r = s.call("GET", "/apirest.php/initSession",
                  {{"Authorization", "user_token " + std::string(kSandboxGlpiUserToken)}});
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_APP_TOKEN_PARAMETERS_MISSING");
  CHECK(body(r)[1].get<std::string>().find("#ERROR_APP_TOKEN_PARAMETERS_MISSING") !=
        std::string::npos);  // GLPI appends its documentation link
  r = s.call("GET", "/apirest.php/initSession",
             {{"App-Token", "nope"},
              {"Authorization", "user_token " + std::string(kSandboxGlpiUserToken)}});
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_WRONG_APP_TOKEN_PARAMETER");

  const std::string session = s.login();
  r = s.call("GET", "/apirest.php/getFullSession", {{"Session-Token", session}});
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_APP_TOKEN_PARAMETERS_MISSING");
  r = s.call("GET", "/apirest.php/getFullSession",
             {{"Session-Token", session}, {"App-Token", "wrong"}});
  CHECK(code(r) == "ERROR_WRONG_APP_TOKEN_PARAMETER");
  r = s.call("GET", std::string("/apirest.php/getFullSession?app_token=") + kApp,
             {{"session-token", session}});  // header names are case-insensitive
  CHECK(r.status == 200);
  CHECK(body(r)["session"]["glpiname"] == kSandboxAgent);
}

TEST_CASE("glpi: initSession takes a user_token, Basic auth or ?user_token=") {
  Sandbox s;
  // One token per demo identity.
  const std::vector<std::pair<std::string, std::string>> tokens{
      {"sandbox-glpi-agent", kSandboxAgent},
      {"sandbox-glpi-referent", kSandboxReferent},
      {"sandbox-glpi-multi", kSandboxMulti},
      {"sandbox-glpi-agent-metz", "agent.metz@sandbox.sne.test"}};
  for (const auto& [token, email] : tokens) {
    const std::string session = s.login(token);
    CHECK(body(s.get("/apirest.php/getFullSession", session))["session"]["glpiname"] == email);
  }
  // agent@sandbox.sne.test:sandbox
  auto r = s.call(
      "GET", "/apirest.php/initSession",
      {{"App-Token", kApp}, {"Authorization", "Basic YWdlbnRAc2FuZGJveC5zbmUudGVzdDpzYW5kYm94"}});
  CHECK(r.status == 200);
  CHECK(body(r)["session_token"].get<std::string>().size() >= 20);
  r = s.call("GET", "/apirest.php/initSession?user_token=sandbox-glpi-multi&app_token=" +
                        std::string(kApp));
  CHECK(r.status == 200);
  // Two sessions of the same user are two tokens.
  CHECK(s.login() != s.login());
}

TEST_CASE("glpi: initSession says which credentials failed") {
  Sandbox s;
  auto r = s.call("GET", "/apirest.php/initSession",
                  {{"App-Token", kApp}, {"Authorization", "user_token sandbox-glpi-nobody"}});
  CHECK(r.status == 401);
  CHECK(code(r) == "ERROR_GLPI_LOGIN_USER_TOKEN");
  // agent@sandbox.sne.test:wrong
  r = s.call(
      "GET", "/apirest.php/initSession",
      {{"App-Token", kApp}, {"Authorization", "Basic YWdlbnRAc2FuZGJveC5zbmUudGVzdDp3cm9uZw=="}});
  CHECK(r.status == 401);
  CHECK(code(r) == "ERROR_GLPI_LOGIN");
  r = s.call("GET", "/apirest.php/initSession", {{"App-Token", kApp}});
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_LOGIN_PARAMETERS_MISSING");
  CHECK(s.count("SELECT count(*) FROM glpi_sessions") == 0);
}

TEST_CASE("glpi: calls need a Session-Token; an unknown or killed one is invalid") {
  Sandbox s;
  auto r = s.call("GET", "/apirest.php/Ticket/", {{"App-Token", kApp}});
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_SESSION_TOKEN_MISSING");
  r = s.get("/apirest.php/Ticket/", "no-such-session");
  CHECK(r.status == 401);
  CHECK(code(r) == "ERROR_SESSION_TOKEN_INVALID");
  CHECK(body(r)[1] == "session_token seems invalid");

  const std::string session = s.login();
  CHECK(s.get("/apirest.php/Ticket/", session).status == 200);
  CHECK(sandbox_glpi(s.db)->open_sessions == 1);
  r = s.get("/apirest.php/killSession", session);
  CHECK(r.status == 200);
  CHECK(r.body == "true");
  CHECK(sandbox_glpi(s.db)->open_sessions == 0);
  r = s.get("/apirest.php/Ticket/", session);
  CHECK(r.status == 401);
  CHECK(code(r) == "ERROR_SESSION_TOKEN_INVALID");
}

TEST_CASE("glpi: a session unused for the session lifetime on the sandbox's clock expires") {
  Sandbox s;
  change(s, {std::chrono::seconds(60), std::nullopt, std::nullopt});
  const std::string session = s.login();
  REQUIRE(advance_sandbox_clock(s.db, std::chrono::seconds(50)));
  CHECK(s.get("/apirest.php/getMyProfiles", session).status == 200);  // used: 60 s again
  REQUIRE(advance_sandbox_clock(s.db, std::chrono::seconds(50)));
  CHECK(s.get("/apirest.php/getMyProfiles", session).status == 200);
  REQUIRE(advance_sandbox_clock(s.db, std::chrono::seconds(61)));
  CHECK(sandbox_glpi(s.db)->open_sessions == 0);
  const auto r = s.get("/apirest.php/getMyProfiles", session);
  CHECK(r.status == 401);
  CHECK(code(r) == "ERROR_SESSION_TOKEN_INVALID");
}

TEST_CASE("glpi: a session is invalid after session_calls calls") {
  Sandbox s;
  change(s, {std::nullopt, 3, std::nullopt});
  const std::string session = s.login();
  CHECK(s.get("/apirest.php/Ticket/", session).status == 200);
  // A refused call counts: PHP's session was used.
  CHECK(s.get("/apirest.php/Ticket/999", session).status == 404);
  CHECK(s.get("/apirest.php/getActiveProfile", session).status == 200);
  CHECK(sandbox_glpi(s.db)->open_sessions == 0);
  const auto r = s.get("/apirest.php/Ticket/", session);
  CHECK(r.status == 401);
  CHECK(code(r) == "ERROR_SESSION_TOKEN_INVALID");
  // A new session serves three calls again.
  CHECK(s.get("/apirest.php/Ticket/", s.login()).status == 200);
}

TEST_CASE("glpi: the session's profile, entities and full session") {
  Sandbox s;
  const std::string session = s.login();
  json b = body(s.get("/apirest.php/getMyProfiles", session));
  REQUIRE(b["myprofiles"].size() == 1);
  CHECK(b["myprofiles"][0]["name"] == "Self-Service");
  CHECK(b["myprofiles"][0]["entities"][0]["id"] == 0);
  b = body(s.get("/apirest.php/getActiveEntities", session));
  CHECK(b["active_entity"]["id"] == 0);
  b = body(s.get("/apirest.php/getFullSession", session));
  CHECK(b["session"]["glpiactiveprofile"]["interface"] == "helpdesk");
  CHECK(b["session"]["glpiID"].is_number_integer());
  auto r = s.send("POST", "/apirest.php/changeActiveEntities", session,
                  {{"entities_id", 0}, {"is_recursive", true}});
  CHECK(r.body == "true");
  r = s.send("POST", "/apirest.php/changeActiveEntities", session, {{"entities_id", 3}});
  CHECK(r.body == "false");
  r = s.send("POST", "/apirest.php/changeActiveEntities", session, {{"is_recursive", "yes"}});
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR");
}

TEST_CASE("glpi: categories: the six reasons, completenames, an ambiguous name") {
  Sandbox s;
  const std::string session = s.login();
  auto r = s.get("/apirest.php/ITILCategory/?range=0-999", session,
                 {{"X-GLPI-Sanitized-Content", "false"}});
  CHECK(r.status == 200);
  CHECK(header(r, "Content-Range") == "0-10/11");
  CHECK(header(r, "Accept-Range") == "ITILCategory 1000");
  const json rows = body(r);
  REQUIRE(rows.size() == 11);
  std::vector<std::string> names, completenames;
  for (const auto& row : rows) {
    names.push_back(row["name"]);
    completenames.push_back(row["completename"]);
    for (const char* field :
         {"id", "itilcategories_id", "level", "is_helpdeskvisible", "is_incident", "is_request"})
      CHECK(row[field].is_number_integer());
  }
  for (const char* reason :
       {"Changement souhaité d'identifiant", "Ajout / changement de guichet",
        "Temps de traitement d'une PJ supérieur au temps annoncé", "Pièce justificative refusée",
        "Pièce justificative mal typée", "Toute autre question fonctionnelle"})
    CHECK(std::count(names.begin(), names.end(), reason) == 1);
  CHECK(std::count(names.begin(), names.end(), "Autre") == 2);
  CHECK(std::count(completenames.begin(), completenames.end(),
                   "SNE > Pièces justificatives > Pièce justificative refusée") == 1);
  CHECK(std::count(completenames.begin(), completenames.end(), "SNE > Autre") == 1);
  CHECK(std::count(completenames.begin(), completenames.end(),
                   "SNE > Pièces justificatives > Autre") == 1);

  // One by id, encoded as GLPI 10 stores it.
  r = s.get("/apirest.php/ITILCategory/6", session);
  CHECK(r.status == 200);
  const json one = body(r);
  CHECK(one["completename"] == "SNE &#62; Pièces justificatives &#62; Pièce justificative refusée");
  CHECK(one["level"] == 3);
  CHECK(one["itilcategories_id"] == 4);
  CHECK(s.get("/apirest.php/ITILCategory/99", session).status == 404);
}

TEST_CASE("glpi: one ticket: 201, Location and {id, message}") {
  Sandbox s;
  const std::string session = s.login();
  auto r = s.send("POST", "/apirest.php/Ticket/", session,
                  {{"input",
                    {{"name", "Pièce refusée"},
                     {"content", "<p>La PJ a été refusée</p>"},
                     {"itilcategories_id", 6},
                     {"type", 2},
                     {"urgency", 4}}}});
  CHECK(r.status == 201);
  const json b = body(r);
  REQUIRE(b["id"].is_number_integer());
  const auto id = b["id"].get<std::int64_t>();
  CHECK(b["message"] == "Item successfully added: Pièce refusée");
  CHECK(header(r, "Location") ==
        "https://sandbox.sne.test/apirest.php/Ticket/" + std::to_string(id));
  const json t = body(s.get("/apirest.php/Ticket/" + std::to_string(id), session,
                            {{"X-GLPI-Sanitized-Content", "false"}}));
  CHECK(t["name"] == "Pièce refusée");
  CHECK(t["content"] == "<p>La PJ a été refusée</p>");
  CHECK(t["status"] == 1);
  CHECK(t["type"] == 2);
  CHECK(t["urgency"] == 4);
  CHECK(t["priority"] == 4);
  CHECK(t["itilcategories_id"] == 6);
  CHECK(t["entities_id"] == 0);
  CHECK(t["date"].get<std::string>().size() == 19);
  CHECK(t["links"].is_array());
  // The Location names a server's address when the request came with a Host.
  r = s.call("POST", "/apirest.php/Ticket/",
             {{"App-Token", kApp}, {"Session-Token", session}, {"Host", "127.0.0.1:8470"}},
             R"({"input":{"name":"x"}})");
  CHECK(header(r, "Location").rfind("http://127.0.0.1:8470/apirest.php/Ticket/", 0) == 0);
}

TEST_CASE("glpi: several tickets: 201, 207 with every result, 400 when all fail") {
  Sandbox s;
  const std::string session = s.login();
  auto r = s.send("POST", "/apirest.php/Ticket/", session,
                  {{"input", json::array({{{"name", "a"}}, {{"name", "b"}}})}});
  CHECK(r.status == 201);
  json b = body(r);
  REQUIRE(b.size() == 2);
  CHECK(b[0]["id"].is_number_integer());
  CHECK(b[1]["message"] == "Item successfully added: b");
  CHECK(header(r, "Link").find(',') != std::string::npos);

  r = s.send(
      "POST", "/apirest.php/Ticket/", session,
      {{"input", json::array({{{"name", "c"}}, {{"name", ""}}, {{"itilcategories_id", 1}}})}});
  CHECK(r.status == 207);
  b = body(r);
  CHECK(b[0] == "ERROR_GLPI_PARTIAL_ADD");
  REQUIRE(b[1].is_array());  // the collection of results, not a message
  REQUIRE(b[1].size() == 3);
  CHECK(b[1][0]["id"].is_number_integer());
  CHECK(b[1][1]["id"] == false);
  CHECK(b[1][1]["message"] == "Mandatory field missing: Title");
  CHECK(b[1][2]["id"] == false);
  CHECK(s.count("SELECT count(*) FROM glpi_tickets WHERE name = 'c'") == 1);  // it stays

  r = s.send(
      "POST", "/apirest.php/Ticket/", session,
      {{"input", json::array({{{"name", ""}}, {{"name", "d"}, {"itilcategories_id", 77}}})}});
  CHECK(r.status == 400);
  b = body(r);
  CHECK(b[0] == "ERROR_GLPI_ADD");
  REQUIRE(b[1].is_array());
  CHECK(b[1][1]["message"] == "Category 77 not found");
  // One input that fails: its message alone.
  r = s.send("POST", "/apirest.php/Ticket/", session, {{"input", {{"content", "no title"}}}});
  CHECK(r.status == 400);
  CHECK(body(r) == json::array({"ERROR_GLPI_ADD", "Mandatory field missing: Title"}));
  // Another entity than the root: a right the self-service profile has not.
  r = s.send("POST", "/apirest.php/Ticket/", session,
             {{"input", {{"name", "e"}, {"entities_id", 3}}}});
  CHECK(body(r) ==
        json::array({"ERROR_GLPI_ADD", "You don't have permission to perform this action."}));
  CHECK(s.count("SELECT count(*) FROM glpi_tickets") == 3);
}

TEST_CASE("glpi: malformed bodies are refused and change nothing") {
  Sandbox s;
  const std::string session = s.login();
  auto r = s.send("POST", "/apirest.php/Ticket/", session, {{"name", "no input"}});
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_BAD_ARRAY");
  r = s.send("POST", "/apirest.php/Ticket/", session, {{"input", "a string"}});
  CHECK(code(r) == "ERROR_BAD_ARRAY");
  r = s.call(
      "POST", "/apirest.php/Ticket/",
      {{"App-Token", kApp}, {"Session-Token", session}, {"Content-Type", "application/json"}},
      R"({"input": {"name": "x",)");
  CHECK(r.status == 400);
  CHECK(body(r) == json::array({"ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid"}));
  // Without a Content-Type, GLPI reads JSON too.
  r = s.call("POST", "/apirest.php/Ticket/", {{"App-Token", kApp}, {"Session-Token", session}},
             "[]");
  CHECK(code(r) == "ERROR_JSON_PAYLOAD_INVALID");
  r = s.call("GET", "/apirest.php/Ticket/", {{"App-Token", kApp}, {"Session-Token", session}},
             R"({"range":"0-5"})");
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_JSON_PAYLOAD_FORBIDDEN");
  CHECK(s.count("SELECT count(*) FROM glpi_tickets") == 0);
}

TEST_CASE("glpi: lists page by range: 200, 206, Content-Range, and a start beyond the total") {
  Sandbox s;
  const std::string session = s.login();
  // Nothing found: 200, [] and no Content-Range.
  auto r = s.get("/apirest.php/Ticket/?range=0-49", session);
  CHECK(r.status == 200);
  CHECK(r.body == "[]");
  CHECK(header(r, "Content-Range").empty());
  CHECK(header(r, "Accept-Range") == "Ticket 1000");
  for (const char* name : {"e", "b", "d", "a", "c"}) s.ticket(session, name);

  r = s.get("/apirest.php/Ticket/?range=0-49", session);
  CHECK(r.status == 200);
  CHECK(header(r, "Content-Range") == "0-4/5");
  CHECK(body(r).size() == 5);
  r = s.get("/apirest.php/Ticket/?range=0-1", session);
  CHECK(r.status == 206);
  CHECK(header(r, "Content-Range") == "0-1/5");
  CHECK(body(r).size() == 2);
  r = s.get("/apirest.php/Ticket/?range=3-9", session);
  CHECK(r.status == 206);  // the last page is partial content too
  CHECK(header(r, "Content-Range") == "3-4/5");
  CHECK(body(r).size() == 2);
  // A start at the total is an empty page; beyond, an error (API::getItems).
  r = s.get("/apirest.php/Ticket/?range=5-9", session);
  CHECK(r.status == 206);
  CHECK(r.body == "[]");
  r = s.get("/apirest.php/Ticket/?range=6-9", session);
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_RANGE_EXCEED_TOTAL");
  CHECK(body(r)[1].get<std::string>().rfind("Provided range exceed total count of data: 5", 0) ==
        0);
  r = s.get("/apirest.php/Ticket/?range=first-last", session);
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR");
  // Without a range: GLPI's list limit, 15 rows.
  r = s.get("/apirest.php/Ticket/", session);
  CHECK(r.status == 200);
  CHECK(header(r, "Content-Range") == "0-4/5");

  r = s.get("/apirest.php/Ticket/?range=0-49&sort=name&order=DESC&only_id=true", session);
  const json rows = body(r);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].size() == 2);  // id and links
  auto name_of = [&](const json& row) {
    return body(
        s.get("/apirest.php/Ticket/" + std::to_string(row["id"].get<int>()), session))["name"];
  };
  CHECK(name_of(rows[0]) == "e");
  CHECK(name_of(rows[4]) == "a");
  CHECK(code(s.get("/apirest.php/Ticket/?sort=nope", session)) == "ERROR");
  CHECK(code(s.get("/apirest.php/Ticket/?order=UP", session)) == "ERROR");
  r = s.get("/apirest.php/Ticket/?searchText%5Bname%5D=d&range=0-49", session);
  CHECK(body(r).size() == 1);
}

TEST_CASE("glpi: another user's ticket is a missing right, an absent one not found") {
  Sandbox s;
  const std::string mine = s.login();
  const std::string theirs = s.login("sandbox-glpi-multi");
  const auto id = s.ticket(mine);
  auto r = s.get("/apirest.php/Ticket/" + std::to_string(id), theirs);
  CHECK(r.status == 403);
  CHECK(body(r) ==
        json::array({"ERROR_RIGHT_MISSING", "You don't have permission to perform this action."}));
  r = s.get("/apirest.php/Ticket/" + std::to_string(id) + "/ITILFollowup", theirs);
  CHECK(r.status == 403);
  r = s.get("/apirest.php/Ticket/" + std::to_string(id + 10), theirs);
  CHECK(r.status == 404);
  CHECK(body(r) == json::array({"ERROR_ITEM_NOT_FOUND", "Item not found"}));
  r = s.get("/apirest.php/Ticket/?range=0-49", theirs);
  CHECK(r.status == 200);
  CHECK(r.body == "[]");
  r = s.send("POST", "/apirest.php/ITILFollowup/", theirs,
             {{"input", {{"itemtype", "Ticket"}, {"items_id", id}, {"content", "hello"}}}});
  CHECK(body(r) ==
        json::array({"ERROR_GLPI_ADD", "You don't have permission to perform this action."}));
  // Nor may they update it, or anyone delete a ticket.
  r = s.send("PUT", "/apirest.php/Ticket/" + std::to_string(id), mine,
             {{"input", {{"name", "x"}}}});
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_GLPI_UPDATE");
  r = s.call("DELETE", "/apirest.php/Ticket/" + std::to_string(id),
             {{"App-Token", kApp}, {"Session-Token", mine}});
  CHECK(code(r) == "ERROR_GLPI_DELETE");
}

TEST_CASE("glpi: expand_dropdowns shows the category's completename") {
  Sandbox s;
  const std::string session = s.login();
  auto r = s.send("POST", "/apirest.php/Ticket/", session,
                  {{"input", {{"name", "Guichet"}, {"itilcategories_id", 10}}}});
  const auto id = std::to_string(body(r)["id"].get<int>());
  json t = body(s.get("/apirest.php/Ticket/" + id, session));
  CHECK(t["itilcategories_id"] == 10);
  t = body(s.get("/apirest.php/Ticket/" + id + "?expand_dropdowns=true", session,
                 {{"X-GLPI-Sanitized-Content", "false"}}));
  CHECK(t["itilcategories_id"] == "SNE > Pièces justificatives > Autre");
  CHECK(t["entities_id"] == "Root entity");
  CHECK(t["users_id_recipient"] == "Benali Karim");
  const json list = body(s.get("/apirest.php/Ticket/?expand_dropdowns=true&range=0-9", session));
  CHECK(list[0]["itilcategories_id"] == "SNE &#62; Pièces justificatives &#62; Autre");
}

TEST_CASE("glpi: follow-ups are added to one's tickets and listed under them") {
  Sandbox s;
  const std::string session = s.login();
  const auto id = s.ticket(session);
  auto r = s.send("POST", "/apirest.php/ITILFollowup", session,
                  {{"input",
                    {{"itemtype", "Ticket"},
                     {"items_id", id},
                     {"content", "<p>Merci</p>"},
                     {"is_private", 0}}}});
  CHECK(r.status == 201);
  CHECK(body(r)["message"].get<std::string>().rfind("Item successfully added: Followup - ID", 0) ==
        0);
  r = s.send(
      "POST", "/apirest.php/ITILFollowup", session,
      {{"input", json::array({{{"itemtype", "Ticket"}, {"items_id", id}, {"content", "2"}},
                              {{"itemtype", "Ticket"}, {"items_id", id}, {"content", ""}}})}});
  CHECK(r.status == 207);
  CHECK(body(r)[1][1]["message"] == "You can't add a followup without description");
  r = s.get("/apirest.php/Ticket/" + std::to_string(id) + "/ITILFollowup?range=0-49", session);
  CHECK(r.status == 200);
  const json rows = body(r);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["content"] == "&#60;p&#62;Merci&#60;/p&#62;");
  CHECK(rows[0]["itemtype"] == "Ticket");
  CHECK(rows[0]["items_id"] == id);
  CHECK(header(r, "Content-Range") == "0-1/2");
}

TEST_CASE("glpi: stored text is HTML-encoded unless X-GLPI-Sanitized-Content: false") {
  Sandbox s;
  const std::string session = s.login();
  const std::string raw = R"(<b>A & B</b> "q" 'a' &#60;)";
  auto r = s.send("POST", "/apirest.php/Ticket/", session, {{"input", {{"name", raw}}}});
  CHECK(body(r)["message"] ==
        "Item successfully added: &#60;b&#62;A &#38; B&#60;/b&#62; \"q\" 'a' &#38;#60;");
  const auto id = std::to_string(body(r)["id"].get<int>());
  CHECK(body(s.get("/apirest.php/Ticket/" + id, session))["name"] ==
        "&#60;b&#62;A &#38; B&#60;/b&#62; \"q\" 'a' &#38;#60;");
  CHECK(body(s.get("/apirest.php/Ticket/" + id, session,
                   {{"X-GLPI-Sanitized-Content", "false"}}))["name"] == raw);
  CHECK(body(s.get("/apirest.php/Ticket/?range=0-9", session,
                   {{"x-glpi-sanitized-content", "FALSE"}}))[0]["name"] == raw);
  r = s.send("POST", "/apirest.php/Ticket/", session, {{"input", {{"name", raw}}}},
             {{"X-GLPI-Sanitized-Content", "false"}});
  CHECK(body(r)["message"] == "Item successfully added: " + raw);
}

TEST_CASE("glpi: an accepted upload is stored, linked to its ticket, and downloaded") {
  Sandbox s;
  const std::string session = s.login();
  const auto ticket = s.ticket(session, "Mon ticket");
  const std::string bytes = "%PDF-1.4 a piece\n";
  auto r = s.upload(session,
                    {{"input",
                      {{"name", "PJ"},
                       {"_filename", {"piece.pdf"}},
                       {"itemtype", "Ticket"},
                       {"items_id", ticket}}}},
                    "piece.pdf", bytes);
  CHECK(r.status == 201);
  const json b = body(r);
  const auto doc = std::to_string(b["id"].get<int>());
  const json file = b["upload_result"]["filename"][0];
  CHECK_FALSE(file.contains("error"));
  CHECK(file["display"] == "piece.pdf");
  CHECK(file["name"].get<std::string>().size() == 23 + 9);  // a 23-character random prefix
  CHECK(file["size"] == bytes.size());
  CHECK(file["type"] == "application/pdf");
  CHECK(file["filesize"] == "17 o");

  const json row = body(s.get("/apirest.php/Document/" + doc, session));
  CHECK(row["filename"] == "piece.pdf");
  CHECK(row["mime"] == "application/pdf");
  CHECK(row["sha1sum"].get<std::string>().size() == 40);
  CHECK(row["name"] == "Document: Ticket - Mon ticket");  // GLPI 10 names it after its item
  const json links =
      body(s.get("/apirest.php/Ticket/" + std::to_string(ticket) + "/Document_Item", session));
  REQUIRE(links.size() == 1);
  CHECK(links[0]["documents_id"] == b["id"]);

  r = s.get("/apirest.php/Document/" + doc, session, {{"Accept", "application/octet-stream"}});
  CHECK(r.status == 200);
  CHECK(r.body == bytes);
  CHECK(header(r, "Content-Type") == "application/pdf");
  r = s.get("/apirest.php/Document/" + doc + "?alt=media", session);
  CHECK(r.body == bytes);
  // Only that Accept exactly: anything else is the JSON row.
  r = s.get("/apirest.php/Document/" + doc, session, {{"Accept", "application/octet-stream, */*"}});
  CHECK(body(r)["id"] == b["id"]);
  // Another user may not read it.
  CHECK(s.get("/apirest.php/Document/" + doc, s.login("sandbox-glpi-referent"),
              {{"Accept", "application/octet-stream"}})
            .status == 403);
}

TEST_CASE("glpi: a ticket takes the user's documents given in _documents_id") {
  Sandbox s;
  const std::string session = s.login();
  auto r = s.upload(session, {{"input", {{"name", "avant"}}}}, "avant.pdf", "%PDF-1.4");
  const auto doc = body(r)["id"].get<std::int64_t>();
  r = s.upload(s.login("sandbox-glpi-multi"), {{"input", {{"name", "autre"}}}}, "b.pdf", "%PDF");
  const auto theirs = body(r)["id"].get<std::int64_t>();
  r = s.send("POST", "/apirest.php/Ticket/", session,
             {{"input", {{"name", "Avec PJ"}, {"_documents_id", {doc, theirs, 999}}}}});
  REQUIRE(r.status == 201);
  const auto ticket = std::to_string(body(r)["id"].get<int>());
  const json links = body(s.get("/apirest.php/Ticket/" + ticket + "/Document_Item", session));
  REQUIRE(links.size() == 1);  // not another user's document, nor a missing one
  CHECK(links[0]["documents_id"] == doc);
}

TEST_CASE("glpi: a file over max_upload still makes an empty document, unless an item is named") {
  Sandbox s;
  change(s, {std::nullopt, std::nullopt, 10});
  const std::string session = s.login();
  auto r = s.upload(session, {{"input", {{"name", "Trop gros"}, {"_filename", {"big.pdf"}}}}},
                    "big.pdf", "01234567890");
  CHECK(r.status == 201);
  const json b = body(r);
  CHECK(b["message"] == "Item successfully added: Trop gros");
  CHECK(b["upload_result"]["filename"][0]["error"] == "File is too big");
  const auto doc = std::to_string(b["id"].get<int>());
  const json row = body(s.get("/apirest.php/Document/" + doc, session));
  CHECK(row["filename"].is_null());
  CHECK(row["sha1sum"].is_null());
  CHECK(s.get("/apirest.php/Document/" + doc, session, {{"Accept", "application/octet-stream"}})
            .status == 404);
  // Document::prepareInputForAdd refuses a document for an item whose upload failed.
  const auto ticket = s.ticket(session);
  r = s.upload(session, {{"input", {{"name", "x"}, {"itemtype", "Ticket"}, {"items_id", ticket}}}},
               "big.pdf", "01234567890");
  CHECK(r.status == 400);
  CHECK(body(r) == json::array({"ERROR_GLPI_ADD", "File big.pdf not found."}));
  CHECK(s.count("SELECT count(*) FROM glpi_documents") == 1);
  CHECK(sandbox_glpi(s.db)->documents == 1);
  // Exactly the limit is accepted.
  r = s.upload(session, {{"input", {{"name", "ok"}}}}, "ten.pdf", "0123456789");
  CHECK_FALSE(body(r)["upload_result"]["filename"][0].contains("error"));
}

TEST_CASE("glpi: a file of a type GLPI refuses still makes an empty document") {
  Sandbox s;
  const std::string session = s.login();
  for (const char* name : {"setup.exe", "run.sh", "page.php", "noextension"}) {
    auto r = s.upload(session, {{"input", {{"name", name}}}}, name, "#!/bin/sh\n");
    CHECK(r.status == 201);
    CHECK(body(r)["upload_result"]["filename"][0]["error"] == "Filetype not allowed");
  }
  for (const char* name : {"scan.JPG", "a.jpeg", "b.png", "c.odt", "d.xlsx", "e.zip", "f.txt"}) {
    auto r = s.upload(session, {{"input", {{"name", name}}}}, name, "bytes");
    CHECK_FALSE(body(r)["upload_result"]["filename"][0].contains("error"));
  }
  CHECK(s.count("SELECT count(*) FROM glpi_documents WHERE content IS NULL") == 4);
  CHECK(s.count("SELECT count(*) FROM glpi_documents WHERE content IS NOT NULL") == 7);
}

TEST_CASE("glpi: uploads without a file, without a manifest or under a JSON Content-Type") {
  Sandbox s;
  const std::string session = s.login();
  const http::Headers headers{{"App-Token", kApp}, {"Session-Token", session}};
  std::vector<http::FormPart> manifest_only{
      {"uploadManifest", "", "", R"({"input":{"name":"x"}})", ""}};
  auto r = s.call("POST", "/apirest.php/Document/", headers, {}, manifest_only);
  CHECK(r.status == 400);
  CHECK(body(r) ==
        json::array({"ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE", "The file seems too big"}));
  std::vector<http::FormPart> file_only{{"filename[0]", "a.pdf", "", "%PDF", ""}};
  r = s.call("POST", "/apirest.php/Document/", headers, {}, file_only);
  CHECK(body(r) == json::array({"ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid"}));
  http::Headers json_type = headers;
  json_type.emplace_back("Content-Type", "application/json");
  std::vector<http::FormPart> both{{"uploadManifest", "", "", R"({"input":{"name":"x"}})", ""},
                                   {"filename[0]", "a.pdf", "", "%PDF", ""}};
  r = s.call("POST", "/apirest.php/Document/", json_type, {}, both);
  CHECK(code(r) == "ERROR_JSON_PAYLOAD_INVALID");
  CHECK(s.count("SELECT count(*) FROM glpi_documents") == 0);
}

TEST_CASE("glpi: purge deletes the document and its links; a plain delete trashes it") {
  Sandbox s;
  const std::string session = s.login();
  const auto ticket = s.ticket(session);
  auto r = s.upload(session, {{"input", {{"itemtype", "Ticket"}, {"items_id", ticket}}}}, "a.pdf",
                    "%PDF-1.4");
  const auto doc = std::to_string(body(r)["id"].get<int>());
  r = s.call("DELETE", "/apirest.php/Document/" + doc + "?force_purge=true",
             {{"App-Token", kApp}, {"Session-Token", session}});
  CHECK(r.status == 200);
  const json b = body(r);
  REQUIRE(b.size() == 1);
  CHECK(b[0][doc] == true);
  CHECK(b[0]["message"].get<std::string>().rfind("Successful deletion of the file PDF/", 0) == 0);
  CHECK(s.get("/apirest.php/Document/" + doc, session).status == 404);
  CHECK(s.get("/apirest.php/Ticket/" + std::to_string(ticket) + "/Document_Item", session).body ==
        "[]");
  r = s.call("DELETE", "/apirest.php/Document/" + doc + "?force_purge=true",
             {{"App-Token", kApp}, {"Session-Token", session}});
  CHECK(body(r) == json::array({"ERROR_GLPI_DELETE", "Item not found"}));

  r = s.upload(session, {{"input", {{"name", "kept"}}}}, "b.pdf", "%PDF-1.4");
  const auto other = std::to_string(body(r)["id"].get<int>());
  CHECK(s.call("DELETE", "/apirest.php/Document/" + other + "?force_purge=true",
               {{"App-Token", kApp}, {"Session-Token", s.login("sandbox-glpi-multi")}})
            .status == 400);  // not theirs
  r = s.call("DELETE", "/apirest.php/Document/" + other,
             {{"App-Token", kApp}, {"Session-Token", session}});
  CHECK(r.status == 200);
  CHECK(body(s.get("/apirest.php/Document/" + other, session))["is_deleted"] == 1);
  CHECK(s.get("/apirest.php/Document/?range=0-9", session).body == "[]");
  CHECK(body(s.get("/apirest.php/Document/?range=0-9&is_deleted=true", session)).size() == 1);
}

TEST_CASE("glpi: unknown itemtypes and verbs") {
  Sandbox s;
  const std::string session = s.login();
  auto r = s.get("/apirest.php/Computer/", session);
  CHECK(r.status == 400);
  CHECK(code(r) == "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM");
  r = s.get("/apirest.php/Ticket/1/TicketTask", session);
  CHECK(code(r) == "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM");
  // Itemtypes are PHP class names: case does not matter.
  CHECK(s.get("/apirest.php/itilcategory/1", session).status == 200);
  r = s.call("TRACE", "/apirest.php/Ticket/", {{"App-Token", kApp}, {"Session-Token", session}});
  CHECK(r.status == 405);
  CHECK(code(r) == "ERROR_METHOD_NOT_ALLOWED");
  r = s.call("GET", "/apirest.php/");
  CHECK(r.status == 200);
  CHECK(header(r, "Content-Type").rfind("text/html", 0) == 0);
  // The contract's routes are untouched.
  r = s.call("GET", "/v1/me");
  CHECK(r.status == 401);
  CHECK(json::parse(r.body).contains("error"));
}

TEST_CASE("glpi: answers carry the sandbox's clock in their Date header") {
  Sandbox s;
  REQUIRE(set_sandbox_clock(s.db, parse_timestamp("2025-06-02T12:00:00Z").value()));
  auto r = s.call("GET", "/apirest.php/initSession", {});
  CHECK(header(r, "Date") == "Mon, 02 Jun 2025 12:00:00 GMT");
  const std::string session = s.login();
  const auto id = s.ticket(session);
  r = s.get("/apirest.php/Ticket/" + std::to_string(id), session);
  CHECK(header(r, "Date") == "Mon, 02 Jun 2025 12:00:00 GMT");
  CHECK(header(r, "Last-Modified") == "Mon, 02 Jun 2025 12:00:00 GMT");
  CHECK(body(r)["date"] == "2025-06-02 12:00:00");
}

TEST_CASE("glpi: the knobs are validated, kept, and reset with the sandbox") {
  Sandbox s;
  auto state = sandbox_glpi(s.db);
  REQUIRE(state);
  CHECK(state->session_ttl == std::chrono::seconds(1440));
  CHECK(state->session_calls == 0);
  CHECK(state->max_upload == 10485760);
  auto bad = sandbox_glpi(s.db, {std::chrono::seconds(0), std::nullopt, std::nullopt});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == ErrorCode::invalid_input);
  CHECK(bad.error().subject() == "session_ttl");
  bad = sandbox_glpi(s.db, {std::nullopt, -1, std::nullopt});
  CHECK(bad.error().subject() == "session_calls");
  bad = sandbox_glpi(s.db, {std::nullopt, std::nullopt, 0});
  CHECK(bad.error().subject() == "max_upload");
  // A refused change changes nothing, even its valid members.
  bad = sandbox_glpi(s.db, {std::chrono::seconds(30), 2, std::uint64_t{1} << 31});
  CHECK_FALSE(bad);
  CHECK(sandbox_glpi(s.db)->session_ttl == std::chrono::seconds(1440));

  change(s, {std::chrono::seconds(30), 2, 1000});
  const std::string session = s.login();
  s.ticket(session);
  state = sandbox_glpi(s.db);
  CHECK(state->session_ttl == std::chrono::seconds(30));
  CHECK(state->session_calls == 2);
  CHECK(state->max_upload == 1000);
  CHECK(state->open_sessions == 1);
  CHECK(state->tickets == 1);
  REQUIRE(reset_sandbox(s.db));
  state = sandbox_glpi(s.db);
  CHECK(state->session_ttl == std::chrono::seconds(1440));
  CHECK(state->tickets == 0);
  CHECK(state->open_sessions == 0);
  CHECK(s.get("/apirest.php/getMyProfiles", session).status == 401);
  CHECK(s.count("SELECT count(*) FROM glpi_itilcategories") == 11);
}

TEST_CASE("glpi: a database of schema version 2 is migrated in place") {
  Sandbox s;
  const std::string session = s.login();
  s.ticket(session);
  s.handler.reset();
  // What a version 2 sandbox was: the same, without the GLPI tables.
  s.exec(
      "DROP TABLE glpi_documents_items; DROP TABLE glpi_documents; DROP TABLE glpi_itilfollowups;"
      "DROP TABLE glpi_tickets; DROP TABLE glpi_itilcategories; DROP TABLE glpi_sessions;"
      "DROP TABLE glpi_user_tokens; DROP TABLE glpi_app_tokens; DROP TABLE sign_in_failures;"
      "DELETE FROM meta WHERE key LIKE 'glpi_%';"
      "UPDATE meta SET value = '2' WHERE key = 'schema_version';"
      "INSERT INTO outbox (sent_at, recipient, subject, body) VALUES (1, 'a@b.c', 'kept', '');");
  s.handler = std::make_unique<sandbox::Handler>(s.db, sandbox::kDefaultMaxBody);
  CHECK(s.count("SELECT value FROM meta WHERE key = 'schema_version'") == sandbox::kSchemaVersion);
  CHECK(s.count("SELECT count(*) FROM outbox WHERE subject = 'kept'") == 1);
  CHECK(s.count("SELECT count(*) FROM glpi_itilcategories") == 11);
  const std::string again = s.login();
  CHECK(s.get("/apirest.php/Ticket/", again).body == "[]");
  // Older versions are still refused.
  s.handler.reset();
  s.exec("UPDATE meta SET value = '1' WHERE key = 'schema_version';");
  CHECK_FALSE(sandbox::Handler::open(s.db, sandbox::kDefaultMaxBody));
}

TEST_CASE("sandbox: a database of schema version 4 gets the SHA-256 of pieces, unknown before") {
  Sandbox s;
  s.handler.reset();
  s.exec(
      "ALTER TABLE pieces DROP COLUMN sha256;"
      "UPDATE meta SET value = '4' WHERE key = 'schema_version';");
  const long long pieces = s.count("SELECT count(*) FROM pieces");
  s.handler = std::make_unique<sandbox::Handler>(s.db, sandbox::kDefaultMaxBody);
  CHECK(s.count("SELECT value FROM meta WHERE key = 'schema_version'") == sandbox::kSchemaVersion);
  CHECK(s.count("SELECT count(*) FROM pieces") == pieces);
  CHECK(s.count("SELECT count(*) FROM pieces WHERE sha256 IS NULL") == pieces);
}

TEST_CASE("sandbox: a database of schema version 5 gets each pli's count of pieces in its row") {
  Sandbox s;
  s.handler.reset();
  // What a version 5 sandbox was: pieces counted per pli at each listing, a narrower index.
  s.exec(
      "DROP INDEX plis_by_guichet; ALTER TABLE plis DROP COLUMN nb_pieces;"
      "CREATE INDEX plis_by_guichet ON plis (guichet, date_transmission DESC, "
      "transaction_id DESC);"
      "UPDATE meta SET value = '5' WHERE key = 'schema_version';");
  const long long plis = s.count("SELECT count(*) FROM plis");
  REQUIRE(plis > 0);
  s.handler = std::make_unique<sandbox::Handler>(s.db, sandbox::kDefaultMaxBody);
  CHECK(s.count("SELECT value FROM meta WHERE key = 'schema_version'") == sandbox::kSchemaVersion);
  CHECK(s.count("SELECT count(*) FROM plis") == plis);
  CHECK(s.count("SELECT count(*) FROM plis WHERE nb_pieces > 0 AND nb_pieces = (SELECT count(*) "
                "FROM pli_pieces pp WHERE pp.transaction_id = plis.transaction_id)") == plis);
  CHECK(s.count("SELECT count(*) FROM sqlite_master WHERE name = 'plis_by_guichet' AND sql LIKE "
                "'%nb_pieces)'") == 1);
}

TEST_CASE("glpi: the embedded transport reads parts from files, within the body limit") {
  Sandbox s;
  const std::string session = s.login();
  auto transport = sandbox::make_embedded_transport(s.db);
  REQUIRE(transport);
  const std::string small = s.dir + "/piece.pdf";
  std::ofstream(small) << "%PDF-1.4 from disk";
  http::Request r;
  r.method = "POST";
  r.target = "/apirest.php/Document/";
  r.headers = {{"App-Token", kApp}, {"Session-Token", session}};
  r.parts = {{"uploadManifest", "", "application/json", R"({"input":{"name":"disk"}})", ""},
             {"filename[0]", "piece.pdf", "application/pdf", "", small}};
  auto answer = (*transport)->send(r);
  REQUIRE(answer);
  CHECK(answer->status == 201);
  const auto id = std::to_string(json::parse(answer->body)["id"].get<int>());
  CHECK(s.get("/apirest.php/Document/" + id, session, {{"Accept", "application/octet-stream"}})
            .body == "%PDF-1.4 from disk");
  // Over the limit: refused by its size, as PHP refuses a POST over post_max_size.
  const std::string big = s.dir + "/big.pdf";
  REQUIRE(truncate((std::ofstream(big), big.c_str()), sandbox::kDefaultMaxBody + 1) == 0);
  r.parts[1].file = big;
  answer = (*transport)->send(r);
  REQUIRE(answer);
  CHECK(answer->status == 400);
  CHECK(json::parse(answer->body)[0] == "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE");
  r.parts[1].file = s.dir + "/missing.pdf";
  CHECK_FALSE((*transport)->send(r));
}
