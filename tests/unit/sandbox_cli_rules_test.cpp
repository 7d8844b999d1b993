// The rules that `sne sandbox` binds, in the sandbox's library: the address of `serve --listen`,
// the outbox's selection, and the JSON of the reports, byte for byte.
#include <doctest/doctest.h>

#include "../support/temp_dir.hpp"
#include "sne/sandbox.hpp"

using namespace sne;
using namespace std::chrono_literals;

namespace {

OutboxMail mail(std::int64_t id, const char* to) {
  OutboxMail m;
  m.id = id;
  m.sent_at = *parse_timestamp("2026-01-02T03:04:05Z");
  m.to = to;
  m.subject = "Sujet";
  m.body = "ligne 1\nligne 2";
  return m;
}

std::vector<std::int64_t> ids(const std::vector<OutboxMail>& mails) {
  std::vector<std::int64_t> out;
  for (const auto& m : mails) out.push_back(m.id);
  return out;
}

}  // namespace

TEST_CASE("parse_sandbox_listen: loopback hosts and ports 0 to 65535") {
  auto o = parse_sandbox_listen("127.0.0.1:8470");
  REQUIRE(o.ok());
  CHECK(o->host == "127.0.0.1");
  CHECK(o->port == 8470);
  o = parse_sandbox_listen("[::1]:0");
  REQUIRE(o.ok());
  CHECK(o->host == "::1");
  CHECK(o->port == 0);
  o = parse_sandbox_listen("localhost:65535");
  REQUIRE(o.ok());
  CHECK(o->host == "localhost");
  CHECK(o->port == 65535);
  // The rest keeps its defaults.
  CHECK(o->db_path.empty());
  CHECK(o->threads == SandboxServerOptions{}.threads);
}

TEST_CASE("parse_sandbox_listen: errors name the text, subject listen") {
  auto o = parse_sandbox_listen("127.0.0.1");
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().code() == ErrorCode::invalid_input);
  CHECK(o.error().subject() == "listen");
  CHECK(o.error().message() == "listen '127.0.0.1': expected HOST:PORT (127.0.0.1:8470)");

  for (const char* bad :
       {"127.0.0.1:65536", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:123456", "127.0.0.1:8o"}) {
    CAPTURE(bad);
    o = parse_sandbox_listen(bad);
    REQUIRE_FALSE(o.ok());
    CHECK(o.error().subject() == "listen");
    CHECK(o.error().message() == "listen '" + std::string(bad) + "': port must be 0 to 65535");
  }

  for (const char* host : {"0.0.0.0", "192.0.2.1", "", "[::]"}) {
    CAPTURE(host);
    o = parse_sandbox_listen(std::string(host) + ":0");
    REQUIRE_FALSE(o.ok());
    CHECK(o.error().subject() == "listen");
    CHECK(o.error().message().find("loopback only") != std::string::npos);
  }
  o = parse_sandbox_listen("0.0.0.0:80");
  CHECK(o.error().message() ==
        "the sandbox listens on loopback only (127.0.0.1, ::1), not '0.0.0.0'");
  // A control character is not written as is.
  o = parse_sandbox_listen("a\nb");
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().message().find('\n') == std::string::npos);
}

TEST_CASE("select_outbox: by recipient, then the last N, oldest first") {
  const std::vector<OutboxMail> all{mail(1, "a@x.test"), mail(2, "b@x.test"), mail(3, "a@x.test"),
                                    mail(4, "a@x.test"), mail(5, "b@x.test")};
  CHECK(ids(select_outbox(all, {})) == std::vector<std::int64_t>{1, 2, 3, 4, 5});
  CHECK(ids(select_outbox(all, {"", 2})) == std::vector<std::int64_t>{4, 5});
  CHECK(ids(select_outbox(all, {"a@x.test", 0})) == std::vector<std::int64_t>{1, 3, 4});
  CHECK(ids(select_outbox(all, {"a@x.test", 2})) == std::vector<std::int64_t>{3, 4});
  CHECK(ids(select_outbox(all, {"a@x.test", 10})) == std::vector<std::int64_t>{1, 3, 4});
  // The address is compared exactly.
  CHECK(select_outbox(all, {"A@x.test", 0}).empty());
  CHECK(select_outbox(all, {"nobody@x.test", 1}).empty());
}

TEST_CASE("find_outbox_mails: a missing database is not created") {
  sne::testing::TempDir dir("outbox");
  const std::string path = dir.path() + "/none.db";
  auto mails = find_outbox_mails(path, {"a@x.test", 1});
  REQUIRE_FALSE(mails.ok());
  CHECK(mails.error().code() == ErrorCode::not_found);
  // A fresh sandbox has sent nothing.
  REQUIRE(reset_sandbox(path).ok());
  mails = find_outbox_mails(path, {"", 5});
  REQUIRE(mails.ok());
  CHECK(mails->empty());
}

TEST_CASE("the sandbox's reports as JSON, byte for byte") {
  CHECK(to_json(mail(7, "a@x.test")).dump(-1) ==
        R"({"id":7,"sent_at":"2026-01-02T03:04:05Z","to":"a@x.test","subject":"Sujet",)"
        R"("body":"ligne 1\nligne 2"})");

  SandboxClock c;
  c.now = *parse_timestamp("2025-04-18T10:00:00Z");
  c.fixed = true;
  c.offset = -3600s;
  CHECK(to_json(c).dump(-1) ==
        R"({"now":"2025-04-18T10:00:00Z","mode":"fixed","offset_seconds":-3600})");
  c.fixed = false;
  CHECK(to_json(c).dump(-1).find(R"("mode":"auto")") != std::string::npos);

  NumeriseurRun run;
  run.complete = 1;
  run.rejet_pieces = 2;
  run.transactions = {"t1", "t2", "t3"};
  CHECK(to_json(run, 90s).dump(-1) ==
        R"({"advanced_by":90,"processed":3,"enregistrement_complet":1,"rejet_pieces":2,)"
        R"("rejet_dossier":0,"transactions":["t1","t2","t3"]})");

  NumeriseurState state;
  state.delay = 60s;
  state.waiting = 2;
  state.stuck = 5;
  CHECK(to_json(state).dump(-1) == R"({"delay":60,"waiting":2,"stuck":5})");

  SandboxGlpi g;
  g.open_sessions = 1;
  g.tickets = 2;
  g.documents = 3;
  CHECK(to_json(g).dump(-1) ==
        R"({"session_ttl":1440,"session_calls":0,"max_upload":10485760,"open_sessions":1,)"
        R"("tickets":2,"documents":3})");

  SeededPlis seeded;
  seeded.added = 3;
  seeded.guichet = "G3401";
  seeded.territoire = "034";
  seeded.demandes = 2;
  seeded.demandes_created = 1;
  seeded.first = *parse_timestamp("2025-01-01T08:00:00Z");
  seeded.last = *parse_timestamp("2025-02-01T08:00:00Z");
  seeded.by_statut = {{StatutPli::enregistrement_complet, 2}, {StatutPli::rejet_pieces, 1}};
  CHECK(to_json(seeded).dump(-1) ==
        R"({"added":3,"guichet":"G3401","territoire":"034","demandes":2,"demandes_created":1,)"
        R"("first_transmission":"2025-01-01T08:00:00Z","last_transmission":"2025-02-01T08:00:00Z",)"
        R"("by_statut":{"numerisation_en_cours":0,"rejet_pieces":1,"rejet_dossier":0,)"
        R"("enregistrement_complet":2,"non_applicable":0}})");

  SandboxFaults k;
  CHECK(to_json(k).dump(-1) ==
        R"({"active":false,"error_rate":0,"error_status":503,"retry_after":0,"latency_ms":0,)"
        R"("drop_rate":0,"drop_when":"after","rate_limit":0})");
  k.latency = 250ms;
  k.error_rate = 0.25;
  k.drop_when = SandboxDrop::either;
  const std::string faults = to_json(k).dump(-1);
  CHECK(faults.find(R"("active":true)") != std::string::npos);
  CHECK(faults.find(R"("latency_ms":250)") != std::string::npos);
  CHECK(faults.find(R"("error_rate":0.25)") != std::string::npos);
  CHECK(faults.find(R"("drop_when":"either")") != std::string::npos);

  CHECK(to_string(SandboxDrop::before) == "before");
  CHECK(to_string(SandboxDrop::after) == "after");
  CHECK(to_string(SandboxDrop::either) == "either");
}

TEST_CASE("parse_sandbox_instant: an instant, or a date alone for 00:00 UTC") {
  auto t = parse_sandbox_instant("2025-04-18T10:00:00Z");
  REQUIRE(t.ok());
  CHECK(*t == *parse_timestamp("2025-04-18T10:00:00Z"));
  t = parse_sandbox_instant("2025-04-18");
  REQUIRE(t.ok());
  CHECK(*t == *parse_timestamp("2025-04-18T00:00:00Z"));
  for (const char* bad : {"2025-13-01", "tomorrow", "2025-04-18T10:00:00", "1969-12-31",
                          "2025-04-18 10:00:00Z", ""}) {
    CAPTURE(bad);
    t = parse_sandbox_instant(bad);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code() == ErrorCode::invalid_input);
    CHECK(t.error().subject() == "instant");
    CHECK(t.error().message().rfind("'" + std::string(bad) + "' is not an instant", 0) == 0);
  }
}
