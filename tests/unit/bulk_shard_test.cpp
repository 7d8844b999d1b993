// The bulk engine's shards as written on the command line, and the JSON of a run's summary and
// of a journal (what `sne bulk send|status|list --json` print).
#include <doctest/doctest.h>

#include "sne/bulk.hpp"

using namespace sne;
using namespace sne::bulk;

TEST_CASE("parse_shard reads K/N with 0 <= K < N, and nothing as no shard") {
  auto none = parse_shard("");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  auto first = parse_shard("0/4");
  REQUIRE(first);
  CHECK(**first == Shard{0, 4});
  auto last = parse_shard("3/4");
  REQUIRE(last);
  CHECK(**last == Shard{3, 4});
  CHECK(format_shard(*last) == "3/4");
  CHECK(format_shard(std::nullopt).empty());
  for (const char* bad :
       {"4/4", "1/0", "-1/3", "1", "1/", "/3", "a/3", "1/3x", " 1/3", "1//3", "99999999999/3"}) {
    CAPTURE(bad);
    auto r = parse_shard(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == ErrorCode::invalid_input);
    CHECK(r.error().subject() == "shard");
    CHECK(r.error().message().find("is not K/N") != std::string::npos);
  }
}

TEST_CASE("a summary's JSON: every count, the rates, and why the run stopped") {
  Summary s;
  s.rows = 10;
  s.sent = 6;
  s.already_sent = 2;
  s.failed_permanent = 1;
  s.pending = 1;
  s.bytes = 3000;
  s.duration = std::chrono::milliseconds(1500);
  s.plis_per_second = 4;
  CHECK(to_json(s).dump(-1) ==
        R"({"rows":10,"sent":6,"already_sent":2,"failed_permanent":1,"failed_transient":0,)"
        R"("skipped":0,"pending":1,"bytes":3000,"duration_ms":1500,"plis_per_second":4,)"
        R"("bytes_per_second":2000,"stopped":null})");
  s.journal = "/j.journal";
  s.duration = {};
  s.stopped = Error(ErrorCode::cancelled, "interrupted");
  const std::string doc = to_json(s).dump(-1);
  CHECK(doc.find(R"("bytes_per_second":0,"journal":"/j.journal")") != std::string::npos);
  CHECK(doc.find(R"("stopped":{"code":"cancelled","message":"interrupted"})") != std::string::npos);
}

TEST_CASE("a journal's JSON: its summary, then where it belongs and when") {
  JournalInfo j;
  j.path = "/state/a.journal";
  j.manifest = "/data/a.csv";
  j.manifest_sha256 = "abc";
  j.endpoint = "sandbox";
  j.created_at = 100;
  j.updated_at = 200;
  j.summary.rows = 1;
  const std::string unsharded = to_json(j).dump(-1);
  CHECK(unsharded.find(R"("stopped":null,"journal":"/state/a.journal","manifest":"/data/a.csv",)"
                       R"("manifest_sha256":"abc","endpoint":"sandbox","shard":null,)"
                       R"("created_at":100,"updated_at":200,"finished":false})") !=
        std::string::npos);
  j.shard = Shard{1, 3};
  j.finished = true;
  const std::string sharded = to_json(j).dump(-1);
  CHECK(sharded.find(R"("shard":"1/3")") != std::string::npos);
  CHECK(sharded.find(R"("finished":true)") != std::string::npos);
}
