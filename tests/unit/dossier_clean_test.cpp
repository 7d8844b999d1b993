// Running a cleanup plan against the fake Service (deletions in order, the first failure stops
// it, dry run), its JSON, and the check that every piece named exists before any deletion.
#include <doctest/doctest.h>

#include "../support/fake_service.hpp"
#include "sne/dossier.hpp"

using namespace sne;
using sne::testing::FakeService;

namespace {

constexpr const char* kHerault = "0340523004101G3401";

StoredPiece piece(const char* id) {
  StoredPiece p;
  p.id = id;
  p.type = "avis_imposition";
  p.nom_fichier = std::string(id) + ".pdf";
  return p;
}

/// A service whose demande holds pc1, pc2 and pc3, and a plan deleting the three.
struct Fixture {
  FakeService service;
  CleanupPlan plan;

  Fixture() {
    Demande d;
    d.numero_unique = kHerault;
    d.pieces = {piece("pc1"), piece("pc2"), piece("pc3")};
    service.demandes[kHerault] = d;
    plan.numero_unique = kHerault;
    for (const char* id : {"pc1", "pc2", "pc3"}) {
      PlannedDeletion del;
      del.piece_id = id;
      del.type = "avis_imposition";
      plan.deletions.push_back(del);
    }
  }

  std::vector<std::string> held() const {
    std::vector<std::string> ids;
    for (const auto& p : service.demandes.at(kHerault).pieces) ids.push_back(p.id);
    return ids;
  }
};

}  // namespace

TEST_CASE("run_cleanup: every deletion of the plan, in order, each reported") {
  Fixture f;
  std::vector<std::string> reported;
  const CleanupOutcome o = run_cleanup(
      f.service, f.plan, false, [&](const PlannedDeletion& d) { reported.push_back(d.piece_id); });
  CHECK(o.ok());
  CHECK_FALSE(o.dry_run);
  CHECK(o.deleted == 3);
  CHECK(reported == std::vector<std::string>{"pc1", "pc2", "pc3"});
  CHECK(f.held().empty());
  CHECK(f.service.count("delete_piece") == 3);
}

TEST_CASE("run_cleanup: the first failure stops it, named by its piece") {
  Fixture f;
  f.service.failures["delete_piece"] = {
      Error(ErrorCode::server, "nothing works", "").with_http(500, "req-1")};
  // The first call fails: nothing is deleted, nothing after it is tried.
  CleanupOutcome o = run_cleanup(f.service, f.plan, false);
  REQUIRE_FALSE(o.ok());
  CHECK(o.deleted == 0);
  CHECK(o.error->message() == "piece pc1: nothing works");
  CHECK(o.error->http_status() == 500);
  CHECK(o.error->request_id() == "req-1");
  CHECK(f.service.count("delete_piece") == 1);
  CHECK(f.held().size() == 3);

  // A failure on the second piece: the first is gone, the third is left.
  Fixture g;
  g.service.before = [&g](std::string_view method) {
    if (method == "delete_piece" && g.service.count("delete_piece") == 2)
      g.service.failures["delete_piece"].push_back(Error(ErrorCode::network, "reset"));
  };
  o = run_cleanup(g.service, g.plan, false);
  REQUIRE_FALSE(o.ok());
  CHECK(o.deleted == 1);
  CHECK(o.error->code() == ErrorCode::network);
  CHECK(o.error->message() == "piece pc2: reset");
  CHECK(g.held() == std::vector<std::string>{"pc2", "pc3"});
  CHECK(g.service.count("delete_piece") == 2);
}

TEST_CASE("run_cleanup: a dry run, or nothing to delete, calls nothing") {
  Fixture f;
  bool called = false;
  CleanupOutcome o =
      run_cleanup(f.service, f.plan, true, [&](const PlannedDeletion&) { called = true; });
  CHECK(o.ok());
  CHECK(o.dry_run);
  CHECK(o.deleted == 0);
  CHECK_FALSE(called);
  CHECK(f.service.calls.empty());

  CleanupPlan empty;
  empty.numero_unique = kHerault;
  o = run_cleanup(f.service, empty, false);
  CHECK(o.ok());
  CHECK(o.deleted == 0);
  CHECK(f.service.calls.empty());
}

TEST_CASE("to_json(plan, outcome): the plan, then dry_run, deleted and not_deleted") {
  Fixture f;
  CleanupOutcome o;
  o.deleted = 1;
  const std::string plan = to_json(f.plan).dump(-1);
  const std::string text = to_json(f.plan, o).dump(-1);
  REQUIRE(text.size() > plan.size());
  // The plan's members first, as to_json(plan) writes them.
  CHECK(text.substr(0, plan.size() - 1) == plan.substr(0, plan.size() - 1));
  CHECK(text.substr(plan.size() - 1) ==
        R"(,"dry_run":false,"deleted":["pc1"],"not_deleted":["pc2","pc3"]})");
  o.deleted = 0;
  o.dry_run = true;
  CHECK(to_json(f.plan, o).dump(-1).substr(plan.size() - 1) ==
        R"(,"dry_run":true,"deleted":[],"not_deleted":["pc1","pc2","pc3"]})");
}

TEST_CASE("check_pieces_exist: every id before any deletion, the missing ones named") {
  Demande d;
  d.numero_unique = kHerault;
  d.pieces = {piece("pc1"), piece("pc2")};
  CHECK(check_pieces_exist(d, {"pc1", "pc2"}).ok());
  CHECK(check_pieces_exist(d, {}).ok());

  Status s = check_pieces_exist(d, {"pc1", "pc-nope"});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::not_found);
  CHECK(s.error().subject() == "pc-nope");
  CHECK(s.error().message() == "no piece 'pc-nope' in demande 0340523004101G3401");

  s = check_pieces_exist(d, {"x1", "pc2", "x2", "x1"});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().subject() == "x1");
  CHECK(s.error().message() == "no pieces 'x1', 'x2' in demande 0340523004101G3401");

  // An id is quoted printable: a line break cannot reach a terminal.
  s = check_pieces_exist(d, {"a\nb"});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message().find('\n') == std::string::npos);
}

TEST_CASE("delete_pieces: in order, each reported; the first failure stops it as given") {
  Fixture f;
  std::vector<std::string> reported;
  PieceDeletion d = delete_pieces(f.service, kHerault, {"pc3", "pc1"},
                                  [&](const std::string& id) { reported.push_back(id); });
  CHECK(d.ok());
  CHECK(d.numero_unique == kHerault);
  CHECK(d.deleted == std::vector<std::string>{"pc3", "pc1"});
  CHECK(reported == d.deleted);
  CHECK(f.held() == std::vector<std::string>{"pc2"});
  CHECK(to_json(d).dump(-1) == R"({"numero_unique":"0340523004101G3401","deleted":["pc3","pc1"]})");

  // pc1 is gone now: the service's not_found stops the run after pc2, pc3 is not tried.
  Fixture g;
  REQUIRE(delete_pieces(g.service, kHerault, {"pc1"}).ok());
  d = delete_pieces(g.service, kHerault, {"pc2", "pc1", "pc3"});
  REQUIRE_FALSE(d.ok());
  CHECK(d.error->code() == ErrorCode::not_found);
  CHECK(d.error->message() == "piece pc1 not found");
  CHECK(d.deleted == std::vector<std::string>{"pc2"});
  CHECK(g.held() == std::vector<std::string>{"pc3"});
  CHECK(to_json(d).dump(-1) == R"({"numero_unique":"0340523004101G3401","deleted":["pc2"]})");

  // Nothing asked, nothing called.
  Fixture h;
  d = delete_pieces(h.service, kHerault, {});
  CHECK(d.ok());
  CHECK(d.deleted.empty());
  CHECK(h.service.calls.empty());
}
