// The volume seed (sne sandbox seed --plis), checked in the database itself: what the web
// service shows of it is the conformance suite's business.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "sandbox/db.hpp"
#include "sne/numero.hpp"
#include "sne/sandbox.hpp"

using namespace sne;

namespace {

constexpr std::int64_t kDay = 86400;

struct TempSandbox {
  std::string dir, db;
  TempSandbox() {
    char tmpl[] = "/tmp/sne-seed-plis-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    db = dir + "/sandbox.db";
  }
  ~TempSandbox() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

/// 2025-06-02T12:00:00Z, a Monday.
Timestamp fixed_time() { return parse_timestamp("2025-06-02T12:00:00Z").value(); }

std::int64_t seconds_of(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::int64_t count(sandbox::Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  REQUIRE(st.step());
  return st.int64(0);
}

SeedPlisOptions plis(int n, int days = 365) {
  SeedPlisOptions o;
  o.count = n;
  o.days = days;
  return o;
}

std::set<std::string> transactions(const std::string& path, const std::string& where) {
  sandbox::Db db(path);
  std::set<std::string> out;
  auto st = db.prepare("SELECT transaction_id FROM plis WHERE " + where);
  while (st.step()) out.insert(st.text(0));
  return out;
}

}  // namespace

TEST_CASE("seed plis: adds the plis to the guichet's territory, the rest untouched") {
  TempSandbox s;
  REQUIRE(set_sandbox_clock(s.db, fixed_time()).ok());
  std::string demo_ids;
  for (const auto& tx : transactions(s.db, "1"))
    demo_ids += (demo_ids.empty() ? "'" : ", '") + tx + "'";
  std::int64_t before_g3401 = 0, before_others = 0, pieces = 0;
  {
    sandbox::Db db(s.db);
    before_g3401 = count(db, "SELECT count(*) FROM plis WHERE guichet = 'G3401'");
    before_others = count(db, "SELECT count(*) FROM plis WHERE guichet <> 'G3401'");
    pieces = count(db, "SELECT count(*) FROM pieces");
  }
  auto seeded = seed_sandbox_plis(s.db, plis(3000));
  REQUIRE(seeded.ok());
  CHECK(seeded->added == 3000);
  CHECK(seeded->guichet == "G3401");
  CHECK(seeded->territoire == "034");
  CHECK(seeded->demandes >= 600);
  CHECK(seeded->demandes_created > 0);
  int total = 0;
  for (const auto& [statut, n] : seeded->by_statut) total += n;
  CHECK(total == 3000);

  sandbox::Db db(s.db);
  CHECK(count(db, "SELECT count(*) FROM plis WHERE guichet = 'G3401'") == before_g3401 + 3000);
  CHECK(count(db, "SELECT count(*) FROM plis WHERE guichet <> 'G3401'") == before_others);
  CHECK(count(db, "SELECT count(*) FROM pieces") == pieces);
  CHECK(count(db,
              "SELECT count(*) FROM plis p JOIN demandes d ON d.numero = p.numero "
              "WHERE p.transaction_id NOT IN (" +
                  demo_ids + ") AND (d.territoire <> '034' OR d.date_radiation IS NOT NULL)") == 0);
  auto numeros = db.prepare("SELECT numero FROM demandes WHERE territoire = '034'");
  while (numeros.step()) {
    auto n = NumeroUnique::parse(numeros.text(0));
    CHECK_MESSAGE(n.ok(), numeros.text(0));
  }
  // Transaction ids as the PWP's.
  CHECK(count(db,
              "SELECT count(*) FROM plis WHERE length(transaction_id) NOT IN (12, 13) OR "
              "transaction_id GLOB '*[^a-z0-9]*'") == 0);
  // The numériseur has nothing to do with them.
  auto state = sandbox_numeriseur(s.db, std::nullopt);
  REQUIRE(state.ok());
  CHECK(state->waiting == 0);
}

TEST_CASE("seed plis: dates, statuses, history and pieces hang together") {
  TempSandbox s;
  REQUIRE(set_sandbox_clock(s.db, fixed_time()).ok());
  std::string demo_ids;
  for (const auto& tx : transactions(s.db, "1"))
    demo_ids += (demo_ids.empty() ? "'" : ", '") + tx + "'";
  auto seeded = seed_sandbox_plis(s.db, plis(5000, 200));
  REQUIRE(seeded.ok());
  const std::int64_t now = seconds_of(fixed_time());
  CHECK(seconds_of(seeded->first) >= now - 200 * kDay);
  CHECK(seconds_of(seeded->last) <= now);
  CHECK(seeded->first < seeded->last);

  // Every status, enregistrement complet the most common.
  for (const auto& st : statuts()) CHECK_MESSAGE(seeded->by_statut[st.value] > 0, st.code);
  for (const auto& st : statuts())
    CHECK(seeded->by_statut[st.value] <= seeded->by_statut[StatutPli::enregistrement_complet]);

  sandbox::Db db(s.db);
  const std::string mine = "transaction_id NOT IN (" + demo_ids + ")";
  CHECK(count(db, "SELECT count(*) FROM plis WHERE guichet = 'G3401' AND " + mine) == 5000);
  CHECK(count(db, "SELECT count(*) FROM plis WHERE " + mine +
                      " AND (date_statut < date_transmission OR date_statut > date_transmission "
                      "+ 6 * 86400 OR date_transmission > " +
                      std::to_string(now) + ")") == 0);
  // En cours: not processed yet, or lost; the numériseur leaves them all alone.
  CHECK(count(db, "SELECT count(*) FROM plis WHERE " + mine +
                      " AND statut = 'numerisation_en_cours' AND (stuck = 0 OR date_statut <> "
                      "date_transmission)") == 0);
  // History: en cours at transmission, then the status at date_statut.
  CHECK(count(db, "SELECT count(*) FROM plis p WHERE " + mine +
                      " AND NOT EXISTS (SELECT 1 FROM pli_history h WHERE h.transaction_id = "
                      "p.transaction_id AND h.position = 0 AND h.statut = "
                      "'numerisation_en_cours' AND h.date = p.date_transmission)") == 0);
  CHECK(count(db, "SELECT count(*) FROM plis p WHERE " + mine +
                      " AND (SELECT statut || '@' || date FROM pli_history h WHERE "
                      "h.transaction_id = p.transaction_id ORDER BY position DESC LIMIT 1) <> "
                      "p.statut || '@' || p.date_statut") == 0);
  CHECK(count(db, "SELECT count(*) FROM plis p WHERE " + mine +
                      " AND (SELECT count(*) FROM pli_history h WHERE h.transaction_id = "
                      "p.transaction_id) <> CASE p.statut WHEN 'numerisation_en_cours' THEN 1 "
                      "ELSE 2 END") == 0);
  // 1 to 3 pieces; a rejet de pièces rejects some with a motif, and accepts the others.
  CHECK(count(db, "SELECT count(*) FROM plis p WHERE " + mine +
                      " AND (SELECT count(*) FROM pli_pieces pp WHERE pp.transaction_id = "
                      "p.transaction_id) NOT BETWEEN 1 AND 3") == 0);
  CHECK(count(db, "SELECT count(*) FROM plis p WHERE " + mine +
                      " AND statut = 'rejet_pieces' AND (SELECT count(*) FROM pli_pieces pp "
                      "WHERE pp.transaction_id = p.transaction_id AND pp.resultat = 'rejetee' "
                      "AND pp.motif <> '') <> 1") == 0);
  CHECK(count(db, "SELECT count(*) FROM pli_pieces pp JOIN plis p USING (transaction_id) WHERE " +
                      mine +
                      " AND p.statut = 'enregistrement_complet' AND resultat <> "
                      "'acceptee'") == 0);
  // Contextes: all four.
  CHECK(count(db, "SELECT count(DISTINCT contexte) FROM plis WHERE " + mine) == 4);
  // Processing times: most within 2 days, a good share beyond (late for the SLA).
  const std::int64_t processed = count(
      db, "SELECT count(*) FROM plis WHERE " + mine + " AND statut <> 'numerisation_en_cours'");
  const std::int64_t quick = count(db, "SELECT count(*) FROM plis WHERE " + mine +
                                           " AND statut <> 'numerisation_en_cours' AND "
                                           "date_statut - date_transmission <= 2 * 86400");
  const std::int64_t slow = count(db, "SELECT count(*) FROM plis WHERE " + mine +
                                          " AND date_statut - date_transmission > 3 * 86400");
  CHECK(quick * 2 > processed);
  CHECK(slow * 100 > processed * 10);
  // Recent plis are still en cours, some old ones too (lost).
  CHECK(count(db, "SELECT count(*) FROM plis WHERE " + mine +
                      " AND statut = 'numerisation_en_cours' AND date_transmission > " +
                      std::to_string(now - 2 * kDay)) > 0);
  CHECK(count(db, "SELECT count(*) FROM plis WHERE " + mine +
                      " AND statut = 'numerisation_en_cours' AND date_transmission < " +
                      std::to_string(now - 30 * kDay)) > 0);
}

TEST_CASE("seed plis: the same state gives the same plis; taken transaction ids are redrawn") {
  TempSandbox a;
  REQUIRE(set_sandbox_clock(a.db, fixed_time()).ok());
  SeedPlisOptions lyon = plis(300);
  lyon.guichet = "G6901";
  REQUIRE(seed_sandbox_plis(a.db, lyon).ok());
  const auto before = transactions(a.db, "1");
  const std::string b = a.dir + "/b.db", c = a.dir + "/c.db";
  std::filesystem::copy_file(a.db, b);
  std::filesystem::copy_file(a.db, c);
  auto new_ids = [&](const std::string& path) {
    std::set<std::string> out;
    for (const auto& tx : transactions(path, "1"))
      if (before.count(tx) == 0) out.insert(tx);
    return out;
  };

  REQUIRE(seed_sandbox_plis(b, plis(200)).ok());
  REQUIRE(seed_sandbox_plis(c, plis(200)).ok());
  const auto drawn = new_ids(b);
  REQUIRE(drawn.size() == 200);
  CHECK(new_ids(c) == drawn);

  {  // In A, give the ids B drew to plis of Lyon: the same number of plis, every id taken.
    sandbox::Db db(a.db);
    db.exec("PRAGMA foreign_keys = OFF");
    auto lyon_plis = transactions(a.db, "guichet = 'G6901' AND stuck = 0");
    REQUIRE(lyon_plis.size() >= drawn.size());
    auto from = lyon_plis.begin();
    for (const auto& tx : drawn)
      db.run("UPDATE plis SET transaction_id = ? WHERE transaction_id = ?", tx, *from++);
  }
  auto collided = seed_sandbox_plis(a.db, plis(200));
  REQUIRE(collided.ok());
  CHECK(collided->added == 200);
  const auto redrawn = transactions(a.db, "guichet = 'G3401'");
  CHECK(redrawn.size() == transactions(b, "guichet = 'G3401'").size());
  for (const auto& tx : drawn) CHECK(redrawn.count(tx) == 0);
}

TEST_CASE("seed plis: options out of range and unknown guichets are refused") {
  TempSandbox s;
  for (int n : {0, -1, 1000001})
    CHECK(seed_sandbox_plis(s.db, plis(n)).error().code() == ErrorCode::invalid_input);
  for (int days : {0, 3651})
    CHECK(seed_sandbox_plis(s.db, plis(10, days)).error().code() == ErrorCode::invalid_input);
  SeedPlisOptions o = plis(10);
  o.guichet = "G34";
  CHECK(seed_sandbox_plis(s.db, o).error().subject() == "guichet");
  o.guichet = "G9999";
  CHECK(seed_sandbox_plis(s.db, o).error().code() == ErrorCode::not_found);
  o.guichet = "g6901";
  auto lower = seed_sandbox_plis(s.db, o);
  REQUIRE(lower.ok());
  CHECK(lower->guichet == "G6901");
  CHECK(lower->territoire == "069");
}
