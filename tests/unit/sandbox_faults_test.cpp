// The sandbox's fault knobs (sne sandbox faults) and its demandes seed (sne sandbox seed
// --demandes): the rules in the library, and what Handler::serve makes of each request. The
// same knobs over real sockets are tests/cli/test_sandbox_load.py's business.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>

#include "sandbox/db.hpp"
#include "sandbox/faults.hpp"
#include "sandbox_fixture.hpp"
#include "sne/numero.hpp"
#include "sne/sandbox.hpp"

using namespace sne;
using sandbox::faults::Bucket;

namespace {

std::int64_t count(const std::string& path, const std::string& sql) {
  sandbox::Db db(path);
  auto st = db.prepare(sql);
  REQUIRE(st.step());
  return st.int64(0);
}

http::Request request(std::string method, std::string target, std::string body = {}) {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  if (!r.body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

std::string sign_in(sandbox::Handler& h) {
  auto r = h.handle(request("POST", "/v1/auth/token",
                            R"({"email":"agent@sandbox.sne.test","password":"sandbox"})"));
  REQUIRE(r.status == 201);
  const auto at = r.body.find("\"token\":\"");
  REQUIRE(at != std::string::npos);
  return r.body.substr(at + 9, r.body.find('"', at + 9) - at - 9);
}

SandboxFaultsChange change_error(double rate) {
  SandboxFaultsChange c;
  c.error_rate = rate;
  return c;
}

}  // namespace

TEST_CASE("faults: the requests they apply to") {
  using sandbox::faults::applies_to;
  using sandbox::faults::is_pli_creation;
  CHECK(applies_to("GET", "/v1/me"));
  CHECK(applies_to("POST", "/v1/uploads"));
  CHECK(applies_to("DELETE", "/v1/auth/token"));      // signing out is not exempt
  CHECK_FALSE(applies_to("POST", "/v1/auth/token"));  // signing in is
  CHECK_FALSE(applies_to("POST", "/apirest.php/initSession"));
  CHECK_FALSE(applies_to("GET", "/v2/me"));
  CHECK(is_pli_creation("POST", "/v1/demandes/0340523004101G3401/plis"));
  CHECK(is_pli_creation("POST", "/v1/demandes/x/plis"));
  CHECK_FALSE(is_pli_creation("GET", "/v1/demandes/0340523004101G3401/plis"));
  CHECK_FALSE(is_pli_creation("POST", "/v1/demandes//plis"));
  CHECK_FALSE(is_pli_creation("POST", "/v1/demandes/a/b/plis"));
  CHECK_FALSE(is_pli_creation("POST", "/v1/uploads"));
  CHECK_FALSE(is_pli_creation("POST", "/v1/plis"));
}

TEST_CASE("faults: the bucket of pli creations") {
  const auto t0 = Bucket::Clock::time_point{} + std::chrono::hours(1);
  SUBCASE("a burst of the rate, then one token per 1/rate seconds") {
    Bucket b;
    for (int i = 0; i < 5; ++i) CHECK(b.take(5, t0) == 0);
    CHECK(b.take(5, t0) == 1);  // 0.2 s to the next token: Retry-After rounds up to 1
    CHECK(b.take(5, t0 + std::chrono::milliseconds(199)) == 1);
    CHECK(b.take(5, t0 + std::chrono::milliseconds(200)) == 0);
    CHECK(b.take(5, t0 + std::chrono::milliseconds(200)) == 1);
    // A long pause fills the bucket, no more.
    const auto later = t0 + std::chrono::minutes(1);
    for (int i = 0; i < 5; ++i) CHECK(b.take(5, later) == 0);
    CHECK(b.take(5, later) == 1);
  }
  SUBCASE("below one a second: one at a time, and the wait in whole seconds") {
    Bucket b;
    CHECK(b.take(0.25, t0) == 0);
    CHECK(b.take(0.25, t0) == 4);
    CHECK(b.take(0.25, t0 + std::chrono::seconds(1)) == 3);
    CHECK(b.take(0.25, t0 + std::chrono::seconds(4)) == 0);
  }
  SUBCASE("a new rate starts a full bucket") {
    Bucket b;
    CHECK(b.take(1, t0) == 0);
    CHECK(b.take(1, t0) == 1);
    CHECK(b.take(2, t0) == 0);
    CHECK(b.take(2, t0) == 0);
    CHECK(b.take(2, t0) == 1);
  }
  SUBCASE("a clock that goes back takes nothing away") {
    Bucket b;
    CHECK(b.take(1, t0) == 0);
    CHECK(b.take(1, t0 - std::chrono::seconds(5)) == 1);
    CHECK(b.take(1, t0 + std::chrono::seconds(1)) == 0);
  }
}

TEST_CASE("faults: the draws") {
  sandbox::faults::Dice dice(42);
  SandboxFaults k;
  SUBCASE("off: nothing") {
    for (int i = 0; i < 100; ++i) {
      const auto p = dice.draw(k);
      CHECK_FALSE((p.error || p.drop_before || p.drop_after));
    }
  }
  SUBCASE("rates of 1: always, and the drop where drop_when says") {
    k.error_rate = 1;
    k.drop_rate = 1;
    k.drop_when = SandboxDrop::before;
    for (int i = 0; i < 100; ++i) {
      const auto p = dice.draw(k);
      CHECK((p.error && p.drop_before && !p.drop_after));
    }
    k.drop_when = SandboxDrop::after;
    CHECK(dice.draw(k).drop_after);
  }
  SUBCASE("either: both, about half each; a rate: about its share") {
    k.drop_rate = 1;
    k.drop_when = SandboxDrop::either;
    int before = 0;
    for (int i = 0; i < 1000; ++i) before += dice.draw(k).drop_before ? 1 : 0;
    CHECK(before > 400);
    CHECK(before < 600);
    k = SandboxFaults{};
    k.error_rate = 0.1;
    int errors = 0;
    for (int i = 0; i < 1000; ++i) errors += dice.draw(k).error ? 1 : 0;
    CHECK(errors > 50);
    CHECK(errors < 150);
  }
}

TEST_CASE("faults: kept in the database, validated, cleared") {
  test::TempSandbox s("faults");
  auto off = sandbox_faults(s.db);
  REQUIRE(off);
  CHECK_FALSE(off->any());
  CHECK(off->error_status == 503);
  CHECK(off->drop_when == SandboxDrop::after);

  SandboxFaultsChange c;
  c.error_rate = 0.125;
  c.error_status = 429;
  c.retry_after = std::chrono::seconds(9);
  c.latency = std::chrono::milliseconds(250);
  c.drop_rate = 0.3;
  c.drop_when = SandboxDrop::either;
  c.rate_limit = 7.5;
  auto set = sandbox_faults(s.db, c);
  REQUIRE(set);
  CHECK(set->any());
  CHECK(set->error_rate == 0.125);
  CHECK(set->error_status == 429);
  CHECK(set->retry_after.count() == 9);
  CHECK(set->latency.count() == 250);
  CHECK(set->drop_rate == 0.3);  // the text of the row reads back as the same double
  CHECK(set->drop_when == SandboxDrop::either);
  CHECK(set->rate_limit == 7.5);

  SUBCASE("out of range: refused, naming the member, nothing changed") {
    struct Bad {
      SandboxFaultsChange change;
      const char* member;
    };
    SandboxFaultsChange status, retry, latency, drop, rate, nan;
    status.error_status = 404;
    retry.retry_after = std::chrono::seconds(3601);
    latency.latency = std::chrono::milliseconds(-1);
    drop.drop_rate = 1.01;
    rate.rate_limit = 0.001;
    nan.error_rate = std::nan("");
    for (const auto& bad :
         {Bad{change_error(-0.5), "error_rate"}, Bad{nan, "error_rate"},
          Bad{status, "error_status"}, Bad{retry, "retry_after"}, Bad{latency, "latency"},
          Bad{drop, "drop_rate"}, Bad{rate, "rate_limit"}}) {
      auto r = sandbox_faults(s.db, bad.change);
      REQUIRE_FALSE(r);
      CHECK(r.error().code() == ErrorCode::invalid_input);
      CHECK(r.error().subject() == bad.member);
    }
    CHECK(sandbox_faults(s.db)->error_rate == 0.125);
  }
  SUBCASE("off clears every knob, then sets what else is given") {
    SandboxFaultsChange clear;
    clear.off = true;
    clear.latency = std::chrono::milliseconds(5);
    auto r = sandbox_faults(s.db, clear);
    REQUIRE(r);
    CHECK(r->error_rate == 0);
    CHECK(r->rate_limit == 0);
    CHECK(r->drop_when == SandboxDrop::after);
    CHECK(r->latency.count() == 5);
  }
  SUBCASE("a reset clears them") {
    REQUIRE(reset_sandbox(s.db));
    CHECK_FALSE(sandbox_faults(s.db)->any());
  }
  SUBCASE("a hand-edited row that does not read leaves its knob off") {
    {
      sandbox::Db db(s.db);
      db.run("UPDATE meta SET value = 'lots' WHERE key = 'fault_error_rate'");
      db.run("UPDATE meta SET value = '7' WHERE key = 'fault_drop_rate'");
    }
    auto r = sandbox_faults(s.db);
    CHECK(r->error_rate == 0);
    CHECK(r->drop_rate == 1);  // clamped
  }
}

TEST_CASE("faults: Handler::serve applies them at the next request") {
  test::TempSandbox s("faults-serve");
  auto& h = *s.handler;
  const std::string token = sign_in(h);
  auto me = [&] {
    auto r = request("GET", "/v1/me");
    r.headers.emplace_back("Authorization", "Bearer " + token);
    return h.serve(r);
  };
  CHECK(me().response.status == 200);

  SUBCASE("errors: the status and Retry-After, nothing done, sign-in exempt") {
    SandboxFaultsChange c = change_error(1);
    c.error_status = 502;
    c.retry_after = std::chrono::seconds(4);
    REQUIRE(sandbox_faults(s.db, c));
    const auto served = me();
    CHECK(served.response.status == 502);
    CHECK_FALSE(served.drop);
    CHECK(http::header(served.response.headers, "Retry-After") == "4");
    CHECK(http::header(served.response.headers, "X-Request-Id"));
    CHECK(http::header(served.response.headers, "Date"));
    CHECK(served.response.body.find("\"code\":\"server\"") != std::string::npos);
    const auto uploads = count(s.db, "SELECT count(*) FROM uploads");
    auto up = request("POST", "/v1/uploads", "%PDF-1.4 not much");
    up.headers = {{"Authorization", "Bearer " + token},
                  {"Content-Type", "application/octet-stream"}};
    CHECK(h.serve(up).response.status == 502);
    CHECK(count(s.db, "SELECT count(*) FROM uploads") == uploads);
    CHECK(h.serve(request("POST", "/v1/auth/token",
                          R"({"email":"agent@sandbox.sne.test","password":"sandbox"})"))
              .response.status == 201);
    // handle() is the sandbox without faults.
    auto plain = request("GET", "/v1/me");
    plain.headers.emplace_back("Authorization", "Bearer " + token);
    CHECK(h.handle(plain).status == 200);
  }
  SUBCASE("latency and drops are the caller's to play") {
    SandboxFaultsChange c;
    c.latency = std::chrono::milliseconds(1500);
    c.drop_rate = 1;
    c.drop_when = SandboxDrop::after;
    REQUIRE(sandbox_faults(s.db, c));
    auto served = me();
    CHECK(served.delay.count() == 1500);
    CHECK(served.drop);
    CHECK(served.response.status == 200);  // processed: the answer is what is not sent
    c = SandboxFaultsChange{};
    c.drop_when = SandboxDrop::before;
    REQUIRE(sandbox_faults(s.db, c));
    served = me();
    CHECK(served.drop);
    CHECK(served.response.status == 0);  // never processed
  }
  SUBCASE("the rate limit counts pli creations only, and answers 429 before anything") {
    SandboxFaultsChange c;
    c.rate_limit = 1;
    REQUIRE(sandbox_faults(s.db, c));
    auto pli = request("POST", "/v1/demandes/0340523004101G3401/plis", "{}");
    pli.headers.emplace_back("Authorization", "Bearer " + token);
    CHECK(h.serve(pli).response.status == 400);  // let through: refused by the route itself
    const auto limited = h.serve(pli);
    CHECK(limited.response.status == 429);
    CHECK(http::header(limited.response.headers, "Retry-After") == "1");
    CHECK(limited.response.body.find("rate_limited") != std::string::npos);
    CHECK(me().response.status == 200);
  }
}

TEST_CASE("seed_sandbox_demandes: new, valid, unique, empty demandes of one territory") {
  test::TempSandbox s("seed-demandes");
  const auto before = count(s.db, "SELECT count(*) FROM demandes");
  SeedDemandesOptions o;
  o.count = 2000;
  auto seeded = seed_sandbox_demandes(s.db, o);
  REQUIRE(seeded);
  CHECK(seeded->guichet == "G3401");  // the demo agent's current guichet
  CHECK(seeded->territoire == "034");
  REQUIRE(seeded->numeros.size() == 2000);
  std::set<std::string> unique(seeded->numeros.begin(), seeded->numeros.end());
  CHECK(unique.size() == 2000);
  for (const auto& n : seeded->numeros) {
    auto parsed = NumeroUnique::parse(n);
    REQUIRE(parsed);
    CHECK(parsed->territoire().code == "034");
    CHECK(parsed->guichet() == "G3401");
    CHECK(parsed->annee() >= 2001);
  }
  CHECK(count(s.db, "SELECT count(*) FROM demandes") == before + 2000);
  {
    sandbox::Db db(s.db);
    auto st = db.prepare(
        "SELECT count(*) FROM demandes WHERE numero = ? AND territoire = '034' AND "
        "date_radiation IS NULL AND numero NOT IN (SELECT numero FROM pieces) AND numero NOT IN "
        "(SELECT numero FROM plis)");
    int fresh = 0;
    for (const auto& n : seeded->numeros) {
      st.reset();
      st.bind(n);
      REQUIRE(st.step());
      fresh += static_cast<int>(st.int64(0));
    }
    CHECK(fresh == 2000);
  }

  SUBCASE("another guichet, in any case") {
    o.count = 3;
    o.guichet = "g9741";
    auto other = seed_sandbox_demandes(s.db, o);
    REQUIRE(other);
    CHECK(other->territoire == "974");
    for (const auto& n : other->numeros) CHECK(n.substr(13) == "G9741");
  }
  SUBCASE("refusals change nothing") {
    o.count = 0;
    CHECK(seed_sandbox_demandes(s.db, o).error().subject() == "count");
    o.count = 1000001;
    CHECK(seed_sandbox_demandes(s.db, o).error().code() == ErrorCode::invalid_input);
    o.count = 1;
    o.guichet = "G34";
    CHECK(seed_sandbox_demandes(s.db, o).error().subject() == "guichet");
    o.guichet = "G0000";
    CHECK(seed_sandbox_demandes(s.db, o).error().code() == ErrorCode::not_found);
    CHECK(count(s.db, "SELECT count(*) FROM demandes") == before + 2000);
  }
}
