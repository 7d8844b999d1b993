#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "crypto/crypto.hpp"
#include "sandbox/store.hpp"
#include "sandbox/throttle.hpp"

namespace sne::sandbox {

namespace {

// Instants are seconds since the epoch (UTC). Secrets are stored as SHA-256 (tokens) or
// PBKDF2 (passwords), never in clear.
/// The tableau de bord's index: a guichet's plis newest first, holding every column GET
/// /v1/plis answers, so that a page is read from the index alone (its table rows, spread over
/// the file, are not visited), and nb_pieces kept in the row rather than counted per pli.
constexpr std::string_view kPlisByGuichet =
    "CREATE INDEX plis_by_guichet ON plis (guichet, date_transmission DESC, transaction_id "
    "DESC, numero, contexte, statut, date_statut, nb_pieces)";

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE guichets (
  code TEXT PRIMARY KEY, nom TEXT NOT NULL, siret TEXT NOT NULL, territoire TEXT NOT NULL,
  email_reference TEXT NOT NULL);
CREATE TABLE users (
  id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, nom TEXT NOT NULL, prenom TEXT NOT NULL,
  telephone TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('agent', 'referent')),
  password_hash TEXT, current_guichet TEXT NOT NULL REFERENCES guichets(code),
  daily_mail INTEGER NOT NULL DEFAULT 1);
CREATE TABLE user_guichets (
  user_id INTEGER NOT NULL REFERENCES users(id), guichet TEXT NOT NULL REFERENCES guichets(code),
  referent INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL,
  PRIMARY KEY (user_id, guichet));
CREATE TABLE account_requests (
  id TEXT PRIMARY KEY, statut TEXT NOT NULL, nom TEXT NOT NULL, prenom TEXT NOT NULL,
  email TEXT NOT NULL, telephone TEXT NOT NULL, type_organisme TEXT NOT NULL,
  organisme TEXT NOT NULL, motif TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,
  decided_at INTEGER, user_id INTEGER REFERENCES users(id));
CREATE TABLE account_request_guichets (
  request_id TEXT NOT NULL REFERENCES account_requests(id),
  guichet TEXT NOT NULL REFERENCES guichets(code), position INTEGER NOT NULL,
  PRIMARY KEY (request_id, guichet));
CREATE TABLE activation_tokens (
  token_sha256 TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  request_id TEXT NOT NULL REFERENCES account_requests(id),
  expires_at INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE sessions (
  token_sha256 TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE demandes (
  numero TEXT PRIMARY KEY, territoire TEXT NOT NULL, nom TEXT NOT NULL, prenom TEXT NOT NULL,
  date_naissance TEXT NOT NULL, date_radiation TEXT);
CREATE TABLE uploads (
  id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), taille INTEGER NOT NULL,
  sha256 TEXT NOT NULL, content BLOB NOT NULL, created_at INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE plis (
  transaction_id TEXT PRIMARY KEY, numero TEXT NOT NULL REFERENCES demandes(numero),
  guichet TEXT NOT NULL REFERENCES guichets(code), contexte TEXT NOT NULL,
  statut TEXT NOT NULL, date_transmission INTEGER NOT NULL, date_statut INTEGER NOT NULL,
  stuck INTEGER NOT NULL DEFAULT 0, nb_pieces INTEGER NOT NULL DEFAULT 0);
CREATE INDEX plis_waiting ON plis (statut, stuck, date_transmission);
CREATE TABLE pli_pieces (
  transaction_id TEXT NOT NULL REFERENCES plis(transaction_id), position INTEGER NOT NULL,
  type TEXT NOT NULL, nom_fichier TEXT NOT NULL, taille INTEGER NOT NULL,
  resultat TEXT NOT NULL, motif TEXT NOT NULL DEFAULT '', upload_id TEXT,
  date_emission TEXT, date_expiration TEXT, annee_revenus INTEGER,
  PRIMARY KEY (transaction_id, position));
CREATE TABLE pli_history (
  transaction_id TEXT NOT NULL REFERENCES plis(transaction_id), position INTEGER NOT NULL,
  statut TEXT NOT NULL, date INTEGER NOT NULL, PRIMARY KEY (transaction_id, position));
CREATE TABLE pieces (
  id TEXT PRIMARY KEY, numero TEXT NOT NULL REFERENCES demandes(numero), type TEXT NOT NULL,
  nom_fichier TEXT NOT NULL, taille INTEGER NOT NULL, date_ajout INTEGER NOT NULL,
  transaction_id TEXT NOT NULL, date_emission TEXT, date_expiration TEXT, annee_revenus INTEGER,
  sha256 TEXT);
CREATE INDEX pieces_by_demande ON pieces (numero, type);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, sent_at INTEGER NOT NULL, recipient TEXT NOT NULL,
  subject TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE idempotency (
  key TEXT NOT NULL, principal TEXT NOT NULL, method TEXT NOT NULL, target TEXT NOT NULL,
  body_sha256 TEXT NOT NULL, status INTEGER NOT NULL, response TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (key, principal));
)sql";

bool has_schema(Db& db) {
  auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  return st.step();
}

/// Tables other than SQLite's own: a database holding some but no `meta` is not a sandbox.
bool has_tables(Db& db) {
  auto st =
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  return st.step();
}

using MetaRows = std::vector<std::pair<std::string, std::string>>;

/// `kept`: rows of `meta` carried over from the database being reset.
void create_and_seed(Db& db, const MetaRows& kept = {}) {
  db.exec(kSchema);
  db.exec(kPlisByGuichet);
  db.exec(throttle::kSchema);
  db.run("INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
         std::to_string(kSchemaVersion));
  db.run("INSERT INTO meta (key, value) VALUES ('clock_offset', '0')");
  db.run("INSERT INTO meta (key, value) VALUES ('numeriseur_delay', ?)",
         std::to_string(kDefaultNumeriseurDelay));
  for (const auto& [key, value] : kept)
    db.run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  seed(db, now(db));
  create_glpi(db, now(db));
}

/// The clock's rows of `meta`: a reset keeps the sandbox's time, so that a sandbox whose clock
/// was set to some day is seeded anew around that day.
MetaRows clock_rows(Db& db) {
  MetaRows rows;
  if (!has_schema(db)) return rows;
  auto st = db.prepare("SELECT key, value FROM meta WHERE key IN ('clock_offset', 'clock_fixed')");
  while (st.step()) rows.emplace_back(st.text(0), st.text(1));
  return rows;
}

[[noreturn]] void not_a_sandbox() {
  throw std::runtime_error("not a sandbox database (it holds other tables): refusing to touch it");
}

int schema_version(Db& db) {
  auto st = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  return st.step() ? std::stoi(st.text(0)) : 0;
}

[[noreturn]] void wrong_version(int version) {
  if (version > kSchemaVersion)
    throw std::runtime_error("sandbox database of schema version " + std::to_string(version) +
                             ", made by a newer sne; this one reads version " +
                             std::to_string(kSchemaVersion) + ": upgrade sne");
  throw std::runtime_error("sandbox database of schema version " + std::to_string(version) +
                           ", this sne needs version " + std::to_string(kSchemaVersion) +
                           ": the sandbox must be reset (its data is demo data)");
}

/// The demo account requests of versions before 4 had guessable ids ("req-demo-pending-1")
/// while anyone may read a request by its id: they get random ones, as real requests have.
void rename_demo_requests(Db& db) {
  std::vector<std::string> ids;
  auto st = db.prepare("SELECT id FROM account_requests WHERE id LIKE 'req-demo-%'");
  while (st.step()) ids.push_back(st.text(0));
  db.exec("PRAGMA defer_foreign_keys = ON");
  for (const auto& old : ids) {
    const std::string id = "req-" + crypto::random_alnum(20);
    db.run("UPDATE account_requests SET id = ? WHERE id = ?", id, old);
    db.run("UPDATE account_request_guichets SET request_id = ? WHERE request_id = ?", id, old);
    db.run("UPDATE activation_tokens SET request_id = ? WHERE request_id = ?", id, old);
  }
}

/// Version 2 to 3: the GLPI tables, seeded, beside the data already there; 3 to 4: the count
/// of failed sign-ins, and random ids for the demo account requests; 4 to 5: the SHA-256 of
/// filed pieces (unknown for those filed before); 5 to 6: each pli's count of pieces in its row,
/// and the index of the tableau de bord covering what it lists.
void migrate(Db& db, int version) {
  if (version == 2) create_glpi(db, now(db));
  if (version < 4) {
    db.exec(throttle::kSchema);
    rename_demo_requests(db);
  }
  {  // finished before the schema changes below: a statement under way locks what it reads
    auto column = db.prepare("SELECT 1 FROM pragma_table_info('pieces') WHERE name = 'sha256'");
    if (!column.step()) db.exec("ALTER TABLE pieces ADD COLUMN sha256 TEXT");
  }
  bool counted = false;
  {
    auto column = db.prepare("SELECT 1 FROM pragma_table_info('plis') WHERE name = 'nb_pieces'");
    counted = column.step();
  }
  if (!counted) {
    db.exec("ALTER TABLE plis ADD COLUMN nb_pieces INTEGER NOT NULL DEFAULT 0");
    db.exec(
        "UPDATE plis SET nb_pieces = (SELECT count(*) FROM pli_pieces pp WHERE pp.transaction_id "
        "= plis.transaction_id)");
    db.exec("DROP INDEX IF EXISTS plis_by_guichet");
    db.exec(kPlisByGuichet);
  }
  db.run("UPDATE meta SET value = ? WHERE key = 'schema_version'", std::to_string(kSchemaVersion));
}

bool migratable(int version) { return version >= 2 && version <= 5; }

}  // namespace

void prepare(Db& db) {
  {
    Transaction read(db, false);
    if (has_schema(db)) {
      const int version = schema_version(db);
      if (version == kSchemaVersion) return;
      if (!migratable(version)) wrong_version(version);
    }
  }
  Transaction write(db, true);
  if (has_schema(db)) {  // another process may have seeded or migrated it meanwhile
    const int version = schema_version(db);
    if (version == kSchemaVersion) return;
    if (!migratable(version)) wrong_version(version);
    migrate(db, version);
    write.commit();
    return;
  }
  if (has_tables(db)) not_a_sandbox();
  create_and_seed(db);
  write.commit();
}

void reset(Db& db) {
  Transaction write(db, true);
  if (has_tables(db) && !has_schema(db)) not_a_sandbox();
  // In place, in one transaction: a server running on this file sees the new data at its next
  // request instead of writing on in a deleted file.
  std::vector<std::string> tables;
  auto st = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  while (st.step()) tables.push_back(st.text(0));
  const MetaRows clock = clock_rows(db);
  db.exec("PRAGMA defer_foreign_keys = ON");
  for (const auto& t : tables) db.exec("DROP TABLE \"" + t + "\"");
  create_and_seed(db, clock);
  write.commit();
}

}  // namespace sne::sandbox
