// The sandbox's hardening of sign-ins and sessions: the throttle rule (sandbox/throttle.hpp) as
// a pure function, then through Handler::handle in process and with a client address, the
// expiry of sessions made final, and the ids of the seeded account requests.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "sandbox/db.hpp"
#include "sandbox/handler.hpp"
#include "sandbox/store.hpp"
#include "sandbox/throttle.hpp"
#include "sandbox_fixture.hpp"
#include "sne/sandbox.hpp"

using namespace sne;
using json = nlohmann::json;
namespace throttle = sne::sandbox::throttle;

namespace {

constexpr const char* kAgent = "agent@sandbox.sne.test";
constexpr const char* kReferent = "referent@sandbox.sne.test";

struct Sandbox : test::TempSandbox {
  Sandbox() : TempSandbox("throttle") { at("2025-06-02T10:00:00Z"); }

  void at(const std::string& instant) {
    REQUIRE(set_sandbox_clock(db, parse_timestamp(instant).value()));
  }

  http::Response sign_in(const std::string& email, const std::string& password,
                         const std::string& peer = {}) {
    http::Request r;
    r.method = "POST";
    r.target = "/v1/auth/token";
    r.headers = {{"Content-Type", "application/json"}};
    r.body = json{{"email", email}, {"password", password}}.dump();
    r.peer = peer;
    return handler->handle(r);
  }

  http::Response me(const std::string& token) {
    http::Request r;
    r.method = "GET";
    r.target = "/v1/me";
    r.headers = {{"Authorization", "Bearer " + token}};
    return handler->handle(r);
  }

  std::int64_t count(const std::string& sql) {
    sandbox::Db conn(db);
    auto st = conn.prepare(sql);
    REQUIRE(st.step());
    return st.int64(0);
  }

  std::set<std::string> request_ids() {
    sandbox::Db conn(db);
    auto st = conn.prepare("SELECT id FROM account_requests");
    std::set<std::string> ids;
    while (st.step()) ids.insert(st.text(0));
    return ids;
  }
};

std::string retry_after(const http::Response& r) {
  return http::header(r.headers, "Retry-After").value_or("");
}

std::string message(const http::Response& r) {
  return json::parse(r.body).at("error").at("message").get<std::string>();
}

}  // namespace

TEST_CASE("throttle: free failures, then waits that double up to the cap") {
  const throttle::Rule rule{5, 1, 600, 3600};
  throttle::State s;
  const std::int64_t t = 1'000'000;
  for (int i = 0; i < 4; ++i) {
    s = throttle::after_failure(rule, s, t);
    CHECK(throttle::wait(rule, s, t) == 0);
  }
  s = throttle::after_failure(rule, s, t);
  CHECK(s.failures == 5);
  CHECK(throttle::wait(rule, s, t) == 1);
  CHECK(throttle::wait(rule, s, t + 1) == 0);
  s = throttle::after_failure(rule, s, t + 1);
  CHECK(throttle::wait(rule, s, t + 1) == 2);
  s = throttle::after_failure(rule, s, t + 3);
  CHECK(throttle::wait(rule, s, t + 3) == 4);
  for (int i = 0; i < 40; ++i) s = throttle::after_failure(rule, s, t + 10);
  CHECK(throttle::wait(rule, s, t + 10) == 600);
}

TEST_CASE("throttle: a wait begun late in a second lasts the whole wait on the sandbox clock") {
  // The sandbox clock counts whole seconds: a failure at 10:00:00.950 with a wait of 1 s once
  // opened the door at 10:00:01, 50 ms later (seen as a flaky 201 instead of a 429 in CI).
  Sandbox s;
  sandbox::Db conn(s.db);
  const throttle::Attempt a{"late@example.org", "", false};
  const Timestamp t =
      parse_timestamp("2025-06-02T10:00:00Z").value() + std::chrono::milliseconds(950);
  for (int i = 0; i < 5; ++i) throttle::record_failure(conn, a, t);
  const auto lockout = throttle::check(conn, a, t + std::chrono::milliseconds(60));
  REQUIRE(lockout);
  CHECK(lockout->seconds == 1);
  // A sandbox clock moved past the wait opens it, whatever the system clock says.
  CHECK_FALSE(throttle::check(conn, a, t + std::chrono::milliseconds(1050)));
  // On a whole second (a fixed clock), the wait is exactly the rule's.
  const throttle::Attempt b{"whole@example.org", "", false};
  const Timestamp whole = parse_timestamp("2025-06-02T11:00:00Z").value();
  for (int i = 0; i < 5; ++i) throttle::record_failure(conn, b, whole);
  CHECK(throttle::check(conn, b, whole));
  CHECK_FALSE(throttle::check(conn, b, whole + std::chrono::seconds(1)));
}

TEST_CASE("throttle: on a running clock, sign-ins are judged to the fraction of a second") {
  // The sandbox's instants are whole seconds; the throttle takes the running clock's own, so
  // that the door closed by a failure late in a second stays closed its whole wait.
  Sandbox s;
  {
    sandbox::Db conn(s.db);
    CHECK(sandbox::precise_now(conn) == sandbox::now(conn));  // fixed: whole seconds
    sandbox::release_clock(conn);
    const Timestamp precise = sandbox::precise_now(conn);
    CHECK(precise != sandbox::from_seconds(sandbox::to_seconds(precise)));
    CHECK(std::chrono::abs(precise - std::chrono::system_clock::now()) < std::chrono::seconds(5));
  }
  for (int i = 0; i < 5; ++i) CHECK(s.sign_in(kAgent, "wrong").status == 401);
  // Recorded within a second (never on its exact start, to the nanosecond): the door on the
  // sandbox clock opens on the second after the whole wait.
  CHECK(s.count("SELECT locked_until - last_failure FROM sign_in_failures WHERE key = "
                "'account:agent@sandbox.sne.test'") == 2);
  CHECK(s.sign_in(kAgent, "sandbox").status == 429);
}

TEST_CASE("throttle: failures are forgotten after the quiet period, never the cap exceeded") {
  const throttle::Rule rule{5, 1, 600, 3600};
  throttle::State s;
  for (int i = 0; i < 8; ++i) s = throttle::after_failure(rule, s, 5000);
  CHECK(throttle::wait(rule, s, 5000) == 8);
  // A clock moved back a day does not make the wait a day long.
  CHECK(throttle::wait(rule, s, 5000 - 86400) == 600);
  s = throttle::after_failure(rule, s, 5000 + 3600);
  CHECK(s.failures == 1);
  CHECK(throttle::wait(rule, s, 5000 + 3600) == 0);
}

TEST_CASE("throttle: in process, wrong passwords lock the account, not the others") {
  Sandbox s;
  for (int i = 0; i < 5; ++i) CHECK(s.sign_in(kAgent, "guess").status == 401);
  auto r = s.sign_in(kAgent, "sandbox");
  CHECK(r.status == 429);
  CHECK(retry_after(r) == "1");
  CHECK(message(r) == "too many failed sign-ins for agent@sandbox.sne.test; try again in 1 s");
  CHECK(s.sign_in(kReferent, "sandbox").status == 201);
  // The e-mail is compared as the sign-in compares it: case-insensitively.
  CHECK(s.sign_in("AGENT@sandbox.sne.test", "sandbox").status == 429);
  s.at("2025-06-02T10:00:01Z");
  CHECK(s.sign_in(kAgent, "sandbox").status == 201);
  CHECK(s.count("SELECT count(*) FROM sign_in_failures WHERE key LIKE 'account:%'") == 0);
}

TEST_CASE("throttle: an address failing on many accounts is slowed down, others are not") {
  Sandbox s;
  for (int i = 0; i < 20; ++i)
    CHECK(s.sign_in("nobody" + std::to_string(i) + "@example.org", "x", "192.0.2.7").status == 401);
  auto r = s.sign_in(kReferent, "sandbox", "192.0.2.7");
  CHECK(r.status == 429);
  CHECK(message(r) == "too many failed sign-ins from 192.0.2.7; try again in 1 s");
  CHECK(s.sign_in(kReferent, "sandbox", "192.0.2.8").status == 201);
  CHECK(s.sign_in(kReferent, "sandbox").status == 201);
}

TEST_CASE("sessions: an expiry once seen is final, whatever the clock does next") {
  Sandbox s;
  auto r = s.sign_in(kAgent, "sandbox");
  REQUIRE(r.status == 201);
  const std::string token = json::parse(r.body).at("token").get<std::string>();
  CHECK(s.me(token).status == 200);
  // Moved forward without a command of the clock seeing it (advance only moves the offset):
  // the request that meets the expired session buries it.
  REQUIRE(advance_sandbox_clock(s.db, std::chrono::hours(8)));
  CHECK(s.me(token).status == 401);
  CHECK(s.count("SELECT count(*) FROM sessions WHERE revoked = 1") == 1);
  s.at("2025-06-02T10:01:00Z");
  CHECK(s.me(token).status == 401);
}

TEST_CASE("account requests: seeded ids are random, per database, as real ones are") {
  Sandbox a, b;
  const auto ids_a = a.request_ids(), ids_b = b.request_ids();
  REQUIRE(ids_a.size() == 3);
  const std::regex shape("req-[a-z0-9]{20}");  // 36^20: about 103 bits
  for (const auto& id : ids_a) {
    CHECK(std::regex_match(id, shape));
    CHECK(ids_b.count(id) == 0);
  }
}

TEST_CASE("account requests: a version 3 database gets random ids for its demo requests") {
  Sandbox s;
  s.handler.reset();
  {
    sandbox::Db conn(s.db);
    conn.exec(
        "PRAGMA foreign_keys = OFF;"
        "UPDATE account_request_guichets SET request_id = 'req-demo-pending-1' WHERE request_id "
        "= (SELECT id FROM account_requests WHERE email LIKE 'lucie%');"
        "UPDATE account_requests SET id = 'req-demo-pending-1' WHERE email LIKE 'lucie%';"
        "DROP TABLE sign_in_failures;"
        "UPDATE meta SET value = '3' WHERE key = 'schema_version';");
  }
  s.handler = std::make_unique<sandbox::Handler>(s.db, sandbox::kDefaultMaxBody);
  CHECK(s.count("SELECT value FROM meta WHERE key = 'schema_version'") == sandbox::kSchemaVersion);
  CHECK(s.count("SELECT count(*) FROM account_requests WHERE id LIKE 'req-demo-%'") == 0);
  CHECK(s.count("SELECT count(*) FROM account_request_guichets g JOIN account_requests r "
                "ON r.id = g.request_id WHERE r.email LIKE 'lucie%'") == 1);
  CHECK(s.count("SELECT count(*) FROM sign_in_failures") == 0);
}
