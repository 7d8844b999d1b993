#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "sne/dossier.hpp"

using namespace sne;
using O = ValidityCheck::Outcome;

namespace {

Date d(const char* iso) { return Date::parse(iso).value(); }
Timestamp ts(const std::string& iso) { return parse_timestamp(iso).value(); }

StoredPiece piece(std::string id, std::string type, const std::string& added) {
  StoredPiece p;
  p.id = std::move(id);
  p.type = std::move(type);
  p.nom_fichier = p.type + "_" + p.id + ".pdf";
  p.taille = 1000;
  p.date_ajout = ts(added + "T10:00:00Z");
  p.transaction = "tx0000000001";
  return p;
}

StoredPiece issued(StoredPiece p, const char* date) {
  p.date_emission = d(date);
  return p;
}
StoredPiece expires(StoredPiece p, const char* date) {
  p.date_expiration = d(date);
  return p;
}
StoredPiece tax_year(StoredPiece p, int year) {
  p.annee_revenus = year;
  return p;
}

Demande demande(std::vector<StoredPiece> pieces) {
  Demande dm;
  dm.numero_unique = "0340819000040PWP01";
  dm.territoire = "034";
  dm.demandeur.nom = "Martin";
  dm.demandeur.prenom = "Léa";
  dm.demandeur.date_naissance = Date::from_ymd(1985, 3, 14).value();
  dm.pieces = std::move(pieces);
  return dm;
}

CleanupTarget target(std::string type, int adding = 1) {
  CleanupTarget t;
  t.type = std::move(type);
  t.adding = adding;
  return t;
}

std::vector<std::string> ids(const CleanupPlan& plan) {
  std::vector<std::string> out;
  for (const auto& del : plan.deletions) out.push_back(del.piece_id);
  return out;
}

const Catalog& builtin() { return Catalog::builtin(); }

// A small catalog whose categories hold 1, 2 and 3 pieces, with every kind of rule.
const Catalog& small_catalog() {
  static const Catalog catalog = Catalog::from_json(R"({
    "schema": 1, "version": "test", "source": "tests",
    "defaults": {"formats": ["pdf"], "max_bytes": 1000000, "max_pieces": 2},
    "rubriques": [
      {"code": "identite", "label": "Identité", "types": [
        {"code": "carte", "label": "Carte", "perimetre": "reglementaire",
         "required": "enregistrement", "validity": {"rule": "unexpired"}, "sensitive": false,
         "max_pieces": 1},
        {"code": "acte", "label": "Acte", "perimetre": "reglementaire",
         "validity": {"rule": "none"}, "sensitive": true, "max_pieces": 3}]},
      {"code": "ressources", "label": "Ressources", "types": [
        {"code": "avis", "label": "Avis", "perimetre": "reglementaire",
         "required": "instruction", "validity": {"rule": "tax_year", "years_back": [2, 1]},
         "sensitive": false},
        {"code": "paie", "label": "Paie", "perimetre": "hors_perimetre",
         "validity": {"rule": "issued_within", "months": 3}, "sensitive": false,
         "max_pieces": 3}]}
    ]})")
                                     .value();
  return catalog;
}

}  // namespace

// ---- the view -------------------------------------------------------------------------------

TEST_CASE("dossier view: pieces grouped by rubrique in catalog order, oldest first") {
  const auto dm = demande({piece("p3", "bulletins_salaire", "2026-10-02"),
                           piece("p1", "piece_identite", "2026-09-01"),
                           piece("p2", "bulletins_salaire", "2026-10-01"),
                           piece("p0", "bulletins_salaire", "2026-10-01")});
  const auto view = build_dossier_view(dm, builtin(), d("2026-11-22"));
  CHECK(view.numero_unique == "0340819000040PWP01");
  CHECK(view.demandeur.prenom == "Léa");
  CHECK(view.catalog_version == builtin().version());
  REQUIRE(view.rubriques.size() == 2);
  CHECK(view.rubriques[0].code == "identite");
  CHECK(view.rubriques[1].code == "ressources");
  REQUIRE(view.rubriques[1].categories.size() == 1);
  const auto& pay = view.rubriques[1].categories[0];
  CHECK(pay.type == "bulletins_salaire");
  CHECK(pay.count() == 3);
  CHECK(pay.max_pieces == 2);
  CHECK(pay.full());
  CHECK(pay.validity_rule == "émis depuis moins de 3 mois");
  // Same date_ajout: ties broken by id.
  CHECK(pay.pieces[0].piece.id == "p0");
  CHECK(pay.pieces[1].piece.id == "p2");
  CHECK(pay.pieces[2].piece.id == "p3");
  CHECK_FALSE(view.rubriques[0].categories[0].full());
  CHECK(view.piece_count() == 4);
}

TEST_CASE("dossier view: validity of each piece per the catalog's rule") {
  const auto dm = demande({expires(piece("a", "piece_identite", "2026-01-01"), "2026-03-01"),
                           expires(piece("b", "piece_identite", "2026-01-02"), "2030-03-01"),
                           piece("c", "bulletins_salaire", "2026-01-01"),
                           tax_year(piece("e", "avis_imposition", "2026-01-01"), 2024)});
  const auto view = build_dossier_view(dm, builtin(), d("2026-11-22"));
  const auto& ids_cat = view.rubriques[0].categories[0];
  CHECK(ids_cat.pieces[0].validity.outcome == O::obsolete);
  CHECK(ids_cat.pieces[0].validity.reason == "expiré le 2026-03-01");
  CHECK(ids_cat.pieces[1].validity.outcome == O::valid);
  const auto& res = view.rubriques[1].categories;
  REQUIRE(res.size() == 2);
  CHECK(res[0].type == "avis_imposition");  // catalog order, not the demande's
  CHECK(res[0].pieces[0].validity.outcome == O::valid);
  CHECK(res[1].pieces[0].validity.outcome == O::unknown);
  CHECK(res[1].pieces[0].validity.reason == "date d'émission inconnue");
}

TEST_CASE("dossier view: pieces of a type the catalog does not know are kept apart") {
  const auto dm =
      demande({piece("x2", "type_disparu", "2026-02-01"), piece("a", "rib", "2026-01-01"),
               piece("x1", "autre_inconnu", "2026-01-01")});
  const auto view = build_dossier_view(dm, builtin(), d("2026-11-22"));
  REQUIRE(view.unknown_type.size() == 2);
  CHECK(view.unknown_type[0].piece.id == "x1");
  CHECK(view.unknown_type[1].piece.id == "x2");
  CHECK(view.unknown_type[0].validity.outcome == O::unknown);
  CHECK(view.unknown_type[0].validity.reason == "type absent du catalogue");
  CHECK(view.piece_count() == 3);
  REQUIRE(view.rubriques.size() == 1);
  CHECK(view.rubriques[0].categories[0].perimetre == Perimetre::hors_perimetre);
}

TEST_CASE("dossier view: required types without a piece are missing, in catalog order") {
  const auto view = build_dossier_view(demande({piece("a", "carte", "2026-01-01")}),
                                       small_catalog(), d("2026-11-22"));
  REQUIRE(view.missing.size() == 1);
  CHECK(view.missing[0].type == "avis");
  CHECK(view.missing[0].rubrique == "ressources");
  CHECK(view.missing[0].required == Requirement::instruction);

  const auto empty = build_dossier_view(demande({}), small_catalog(), d("2026-11-22"));
  REQUIRE(empty.missing.size() == 2);
  CHECK(empty.missing[0].type == "carte");
  CHECK(empty.missing[0].required == Requirement::enregistrement);
  CHECK(empty.rubriques.empty());
  CHECK(empty.piece_count() == 0);

  std::set<std::string> builtin_missing;
  for (const auto& m : build_dossier_view(demande({}), builtin(), d("2026-11-22")).missing)
    builtin_missing.insert(m.type);
  CHECK(builtin_missing.count("piece_identite") == 1);
  CHECK(builtin_missing.count("avis_imposition") == 1);
  CHECK(builtin_missing.count("bulletins_salaire") == 0);  // complementary
}

TEST_CASE("dossier view: radiation and sensitivity are carried; JSON has nulls for unknown dates") {
  auto dm = demande({piece("j", "jugement_divorce", "2026-01-01")});
  dm.date_radiation = d("2026-06-01");
  const auto view = build_dossier_view(dm, builtin(), d("2026-11-22"));
  REQUIRE(view.date_radiation);
  CHECK(*view.date_radiation == d("2026-06-01"));
  CHECK(view.rubriques[0].categories[0].sensitive);
  const std::string json = to_json(view).dump(-1);
  CHECK(json.find(R"("date_radiation":"2026-06-01")") != std::string::npos);
  CHECK(json.find(R"("date_emission":null)") != std::string::npos);
  CHECK(json.find(R"("nom_fichier":"jugement_divorce_j.pdf")") != std::string::npos);
  CHECK(json.find(R"("pleine":false)") != std::string::npos);
  CHECK(json.find(R"("outcome":"valid","reason":null)") != std::string::npos);
  CHECK(json.find(R"("on":"2026-11-22")") != std::string::npos);
}

// ---- the planner: rules, by example ------------------------------------------------------

TEST_CASE("cleanup: in a full category obsolete pieces go first, whatever their age") {
  const auto dm = demande({issued(piece("old", "bulletins_salaire", "2026-01-01"), "2026-10-01"),
                           issued(piece("new", "bulletins_salaire", "2026-10-01"), "2026-01-01")});
  const auto plan = plan_cleanup(dm, builtin(), {target("bulletins_salaire")}, d("2026-11-22"));
  REQUIRE(plan);
  CHECK(ids(*plan) == std::vector<std::string>{"new"});
  CHECK(plan->deletions[0].reason == DeletionReason::obsolete);
  CHECK(plan->deletions[0].reason_fr ==
        "obsolète: émis le 2026-01-01, plus de 3 mois avant le 2026-11-22");
  CHECK(plan->deletions[0].nom_fichier == "bulletins_salaire_new.pdf");
  CHECK(plan->deletions[0].date_ajout == ts("2026-10-01T10:00:00Z"));
  REQUIRE(plan->categories.size() == 1);
  CHECK(plan->categories[0].before == 2);
  CHECK(plan->categories[0].deleting == 1);
  CHECK(plan->categories[0].after == 2);
  CHECK(plan->categories[0].full_before());
}

TEST_CASE("cleanup: pieces of unknown validity go before valid ones") {
  const auto dm = demande({issued(piece("valid", "bulletins_salaire", "2026-01-01"), "2026-11-01"),
                           piece("undated", "bulletins_salaire", "2026-10-01")});
  const auto plan = plan_cleanup(dm, builtin(), {target("bulletins_salaire")}, d("2026-11-22"));
  REQUIRE(plan);
  CHECK(ids(*plan) == std::vector<std::string>{"undated"});
  CHECK(plan->deletions[0].reason == DeletionReason::validity_unknown);
  CHECK(plan->deletions[0].reason_fr == "validité inconnue: date d'émission inconnue");
}

TEST_CASE("cleanup: among equals the oldest goes, ties broken by id") {
  const auto dm = demande({piece("b", "acte_naissance", "2026-01-01"),
                           piece("c", "acte_naissance", "2025-01-01"),
                           piece("a", "acte_naissance", "2026-01-01")});
  auto plan = plan_cleanup(dm, builtin(), {target("acte_naissance")}, d("2026-11-22"));
  REQUIRE(plan);  // 3 pieces in a category of 2 (the catalog changed): 2 must go
  CHECK(ids(*plan) == std::vector<std::string>{"c", "a"});
  CHECK(plan->deletions[1].reason == DeletionReason::oldest);
  CHECK(plan->deletions[1].reason_fr == "la plus ancienne");
}

TEST_CASE("cleanup: never more than needed, nothing outside the targeted categories") {
  const auto dm = demande({piece("p1", "bulletins_salaire", "2026-01-01"),
                           expires(piece("i1", "piece_identite", "2026-01-01"), "2020-01-01"),
                           expires(piece("i2", "piece_identite", "2026-01-01"), "2020-01-01"),
                           piece("u1", "type_disparu", "2020-01-01")});
  auto one = plan_cleanup(dm, builtin(), {target("bulletins_salaire")}, d("2026-11-22"));
  REQUIRE(one);
  CHECK(one->nothing_to_delete());
  CHECK(one->categories[0].before == 1);
  CHECK(one->categories[0].after == 2);
  CHECK_FALSE(one->categories[0].full_before());

  auto two = plan_cleanup(dm, builtin(), {target("bulletins_salaire", 2)}, d("2026-11-22"));
  REQUIRE(two);
  CHECK(ids(*two) == std::vector<std::string>{"p1"});

  auto room = plan_cleanup(dm, builtin(), {target("rib")}, d("2026-11-22"));
  REQUIRE(room);
  CHECK(room->nothing_to_delete());
  CHECK(room->categories[0].before == 0);
}

TEST_CASE("cleanup: targets of one type add up; full categories come first in the plan") {
  const auto dm = demande({piece("p1", "bulletins_salaire", "2026-01-01"),
                           piece("q1", "quittance_loyer", "2026-01-01"),
                           piece("q2", "quittance_loyer", "2026-02-01")});
  auto plan = plan_cleanup(
      dm, builtin(),
      {target("bulletins_salaire"), target("quittance_loyer"), target("bulletins_salaire")},
      d("2026-11-22"));
  REQUIRE(plan);
  REQUIRE(plan->categories.size() == 2);
  CHECK(plan->categories[0].type == "quittance_loyer");  // full: first
  CHECK(plan->categories[1].type == "bulletins_salaire");
  CHECK(plan->categories[1].adding == 2);
  CHECK(ids(*plan) == std::vector<std::string>{"q1", "p1"});
}

TEST_CASE("cleanup: a sensitive type's deletions say so") {
  const auto dm = demande({piece("j1", "jugement_divorce", "2026-01-01"),
                           piece("j2", "jugement_divorce", "2026-02-01")});
  auto plan = plan_cleanup(dm, builtin(), {target("jugement_divorce")}, d("2026-11-22"));
  REQUIRE(plan);
  REQUIRE(plan->deletions.size() == 1);
  CHECK(plan->deletions[0].sensitive);
  const std::string json = to_json(*plan).dump(-1);
  CHECK(json.find(R"("piece_id":"j1")") != std::string::npos);
  CHECK(json.find(R"("reason":"oldest")") != std::string::npos);
  CHECK(json.find(R"("before":2,"deleting":1,"adding":1,"after":2)") != std::string::npos);
}

TEST_CASE("cleanup: errors name the type at fault") {
  const auto dm = demande({piece("p1", "bulletins_salaire", "2026-01-01")});
  auto unknown = plan_cleanup(dm, builtin(), {target("bulletin")}, d("2026-11-22"));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code() == ErrorCode::invalid_input);
  CHECK(unknown.error().subject() == "type");
  CHECK(unknown.error().message() == "unknown piece type 'bulletin'");

  auto too_many = plan_cleanup(dm, builtin(), {target("bulletins_salaire", 3)}, d("2026-11-22"));
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code() == ErrorCode::invalid_input);
  CHECK(too_many.error().subject() == "bulletins_salaire");
  CHECK(too_many.error().message() ==
        "cannot add 3 pieces of type 'bulletins_salaire': its category holds at most 2");

  auto summed =
      plan_cleanup(dm, builtin(), {target("bulletins_salaire", 2), target("bulletins_salaire")},
                   d("2026-11-22"));
  REQUIRE_FALSE(summed);
  CHECK(summed.error().subject() == "bulletins_salaire");

  auto huge =
      plan_cleanup(dm, builtin(), {target("rib", 1), target("rib", 2147483647)}, d("2026-11-22"));
  REQUIRE_FALSE(huge);
  CHECK(huge.error().message().find("more than 20") != std::string::npos);

  auto zero = plan_cleanup(dm, builtin(), {target("rib", 0)}, d("2026-11-22"));
  REQUIRE_FALSE(zero);
  CHECK(zero.error().code() == ErrorCode::invalid_input);

  auto none = plan_cleanup(dm, builtin(), {}, d("2026-11-22"));
  REQUIRE_FALSE(none);
  CHECK(none.error().code() == ErrorCode::invalid_input);
}

TEST_CASE("cleanup: a radiated demande cannot receive pieces") {
  auto dm = demande({piece("p1", "bulletins_salaire", "2026-01-01")});
  dm.date_radiation = d("2026-05-01");
  auto plan = plan_cleanup(dm, builtin(), {target("bulletins_salaire")}, d("2026-11-22"));
  REQUIRE_FALSE(plan);
  CHECK(plan.error().code() == ErrorCode::conflict);
  CHECK(plan.error().message() ==
        "demande 0340819000040PWP01 was radiated on 2026-05-01: it cannot receive pieces");
  // Input errors are reported first: they do not depend on the demande.
  auto bad = plan_cleanup(dm, builtin(), {target("nope")}, d("2026-11-22"));
  CHECK(bad.error().code() == ErrorCode::invalid_input);
}

TEST_CASE("cleanup: targets as given on the command line") {
  auto one = parse_cleanup_target("bulletins_salaire");
  REQUIRE(one);
  CHECK(one->type == "bulletins_salaire");
  CHECK(one->adding == 1);
  auto two = parse_cleanup_target("rib:2");
  REQUIRE(two);
  CHECK(two->type == "rib");
  CHECK(two->adding == 2);
  for (const char* bad : {"", ":2", "rib:", "rib:0", "rib:21", "rib:x", "rib:2x", "rib:-1",
                          "rib:99999999999999999999"}) {
    CAPTURE(bad);
    auto r = parse_cleanup_target(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == ErrorCode::invalid_input);
    CHECK(r.error().subject() == "target");
  }
}

// ---- the planner: properties over random demandes -------------------------------------------

namespace {

struct Scenario {
  const Catalog* catalog;
  Demande demande;
  std::vector<CleanupTarget> targets;
  Date on;
};

int rank(O outcome) {
  switch (outcome) {
    case O::obsolete: return 0;
    case O::unknown: return 1;
    case O::valid: return 2;
  }
  return 3;
}

Scenario random_scenario(std::mt19937& rng) {
  std::uniform_int_distribution<int> coin(0, 1), percent(0, 99);
  Scenario s;
  s.catalog = coin(rng) == 0 ? &builtin() : &small_catalog();
  std::vector<const PieceType*> types;
  for (const auto& r : s.catalog->rubriques())
    for (const auto& t : r.types) types.push_back(&t);
  // A handful of types per demande, so that categories collide with targets.
  std::shuffle(types.begin(), types.end(), rng);
  types.resize(std::min<std::size_t>(types.size(), 4));
  s.on = Date::from_days(20000 + static_cast<long>(rng() % 1000));
  auto random_date = [&] { return s.on.plus_days(static_cast<long>(rng() % 900) - 600); };
  int seq = 0;
  auto add_piece = [&](const std::string& type) {
    StoredPiece p;
    p.id = "pc" + std::to_string(rng() % 1000) + "-" + std::to_string(seq++);
    p.type = type;
    p.nom_fichier = type + ".pdf";
    // Few distinct instants: ties on date_ajout are common.
    p.date_ajout =
        std::chrono::system_clock::time_point(std::chrono::hours(24 * 20000 + 24 * (rng() % 4)));
    if (percent(rng) < 70) p.date_emission = random_date();
    if (percent(rng) < 70) p.date_expiration = random_date();
    if (percent(rng) < 70) p.annee_revenus = s.on.year() - static_cast<int>(rng() % 4);
    s.demande.pieces.push_back(std::move(p));
  };
  for (const PieceType* t : types) {
    // Usually within the maximum; sometimes above it (a catalog that lowered it).
    const int n = static_cast<int>(rng() % static_cast<unsigned>(t->max_pieces + 2));
    for (int i = 0; i < n; ++i) add_piece(t->code);
  }
  if (percent(rng) < 30) add_piece("type_disparu");
  std::shuffle(s.demande.pieces.begin(), s.demande.pieces.end(), rng);
  s.demande.numero_unique = "0340819000040PWP01";
  // Targets: some of those types, within their maximum once added up.
  std::map<std::string, int> planned;
  const int n_targets = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < n_targets; ++i) {
    const PieceType* t = types[rng() % types.size()];
    const int room = t->max_pieces - planned[t->code];
    if (room < 1) continue;
    const int adding = 1 + static_cast<int>(rng() % static_cast<unsigned>(room));
    planned[t->code] += adding;
    s.targets.push_back(target(t->code, adding));
  }
  if (s.targets.empty()) s.targets.push_back(target(types[0]->code, 1));
  return s;
}

}  // namespace

TEST_CASE("cleanup properties: room, minimality, scope, obsolete first, determinism") {
  std::mt19937 rng(20261122);
  int with_deletions = 0;
  for (int round = 0; round < 3000; ++round) {
    const Scenario s = random_scenario(rng);
    CAPTURE(round);
    auto plan = plan_cleanup(s.demande, *s.catalog, s.targets, s.on);
    REQUIRE(plan);
    if (!plan->nothing_to_delete()) ++with_deletions;

    std::map<std::string, int> adding;
    for (const auto& t : s.targets) adding[t.type] += t.adding;
    std::map<std::string, int> count;
    for (const auto& p : s.demande.pieces) ++count[p.type];

    // Deletions: distinct pieces of the demande, only in targeted categories.
    std::set<std::string> deleted;
    std::map<std::string, int> deleted_of;
    for (const auto& del : plan->deletions) {
      CHECK(deleted.insert(del.piece_id).second);
      CHECK(adding.count(del.type) == 1);
      ++deleted_of[del.type];
      CHECK(std::any_of(s.demande.pieces.begin(), s.demande.pieces.end(),
                        [&](const auto& p) { return p.id == del.piece_id && p.type == del.type; }));
    }

    // Every targeted category, once, with exact minimal counts, and room after the plan.
    REQUIRE(plan->categories.size() == adding.size());
    bool seen_not_full = false;
    for (const auto& c : plan->categories) {
      const int max = s.catalog->find_type(c.type)->max_pieces;
      const int expected = std::max(0, count[c.type] + adding[c.type] - max);
      CHECK(c.before == count[c.type]);
      CHECK(c.adding == adding[c.type]);
      CHECK(c.deleting == expected);
      CHECK(deleted_of[c.type] == expected);
      CHECK(c.after == count[c.type] - expected + adding[c.type]);
      CHECK(c.after <= max);
      // Full categories first.
      if (!c.full_before()) seen_not_full = true;
      if (c.full_before()) CHECK_FALSE(seen_not_full);
    }
    Demande after = s.demande;
    after.pieces.erase(std::remove_if(after.pieces.begin(), after.pieces.end(),
                                      [&](const auto& p) { return deleted.count(p.id) == 1; }),
                       after.pieces.end());
    for (const auto& [target, n] : adding) {
      const std::string& type = target;  // clang 14 cannot capture a structured binding
      const auto left = std::count_if(after.pieces.begin(), after.pieces.end(),
                                      [&](const auto& p) { return p.type == type; });
      CHECK(left + n <= s.catalog->find_type(type)->max_pieces);
    }

    // No kept piece should have gone before a deleted one of its category: obsolete pieces are
    // never kept while a valid one goes, and within a rank the older goes first.
    for (const auto& del : plan->deletions) {
      const PieceType& type = *s.catalog->find_type(del.type);
      const StoredPiece& gone = *std::find_if(s.demande.pieces.begin(), s.demande.pieces.end(),
                                              [&](const auto& p) { return p.id == del.piece_id; });
      const int gone_rank = rank(check_validity(type.validity, dates_of(gone), s.on).outcome);
      CHECK(static_cast<int>(del.reason) == gone_rank);
      for (const auto& kept : after.pieces) {
        if (kept.type != del.type) continue;
        const int kept_rank = rank(check_validity(type.validity, dates_of(kept), s.on).outcome);
        CHECK(gone_rank <= kept_rank);
        if (gone_rank == kept_rank) {
          const bool gone_older = gone.date_ajout < kept.date_ajout ||
                                  (gone.date_ajout == kept.date_ajout && gone.id < kept.id);
          CHECK(gone_older);
        }
      }
    }

    // Deterministic: the same inputs in another order give the same plan.
    Demande shuffled = s.demande;
    std::shuffle(shuffled.pieces.begin(), shuffled.pieces.end(), rng);
    auto again = plan_cleanup(shuffled, *s.catalog, s.targets, s.on);
    REQUIRE(again);
    CHECK(to_json(*again).dump(-1) == to_json(*plan).dump(-1));
  }
  // The generator exercises the interesting case often.
  CHECK(with_deletions > 500);
}

TEST_CASE("cleanup properties: adding more than a category holds is always refused") {
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    Scenario s = random_scenario(rng);
    const std::string type = s.targets.front().type;
    const int max = s.catalog->find_type(type)->max_pieces;
    s.targets.push_back(target(type, max));  // now above the maximum
    auto plan = plan_cleanup(s.demande, *s.catalog, s.targets, s.on);
    REQUIRE_FALSE(plan);
    CHECK(plan.error().code() == ErrorCode::invalid_input);
    CHECK(plan.error().subject() == type);
  }
}
