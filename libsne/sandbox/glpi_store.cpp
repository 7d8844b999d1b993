// The sandbox's GLPI in the database: its tables, its seed (categories, tokens, knobs) and its
// knobs. Instants are seconds since the epoch (UTC); tokens are kept as SHA-256.
#include <array>

#include "crypto/crypto.hpp"
#include "sandbox/glpi.hpp"
#include "sandbox/store.hpp"

namespace sne::sandbox {

namespace {

// GLPI's own column names, so that rows come out as GLPI's. requester_id stands for GLPI's
// glpi_tickets_users (the requester); content holds a document's file.
constexpr std::string_view kGlpiSchema = R"sql(
CREATE TABLE glpi_app_tokens (token_sha256 TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE glpi_user_tokens (
  token_sha256 TEXT PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE REFERENCES users(id));
CREATE TABLE glpi_sessions (
  token_sha256 TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL, last_used INTEGER NOT NULL, calls INTEGER NOT NULL DEFAULT 0,
  killed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE glpi_itilcategories (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, completename TEXT NOT NULL,
  itilcategories_id INTEGER NOT NULL, level INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '',
  is_helpdeskvisible INTEGER NOT NULL, is_incident INTEGER NOT NULL, is_request INTEGER NOT NULL,
  date_mod INTEGER NOT NULL, date_creation INTEGER NOT NULL);
CREATE TABLE glpi_tickets (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, content TEXT NOT NULL,
  date INTEGER NOT NULL, date_mod INTEGER NOT NULL, date_creation INTEGER NOT NULL,
  status INTEGER NOT NULL, type INTEGER NOT NULL, urgency INTEGER NOT NULL,
  impact INTEGER NOT NULL, priority INTEGER NOT NULL, itilcategories_id INTEGER NOT NULL,
  users_id_recipient INTEGER NOT NULL REFERENCES users(id),
  users_id_lastupdater INTEGER NOT NULL REFERENCES users(id),
  requester_id INTEGER NOT NULL REFERENCES users(id));
CREATE INDEX glpi_tickets_by_requester ON glpi_tickets (requester_id);
CREATE TABLE glpi_itilfollowups (
  id INTEGER PRIMARY KEY AUTOINCREMENT, itemtype TEXT NOT NULL, items_id INTEGER NOT NULL,
  date INTEGER NOT NULL, users_id INTEGER NOT NULL REFERENCES users(id), content TEXT NOT NULL,
  is_private INTEGER NOT NULL, date_mod INTEGER NOT NULL, date_creation INTEGER NOT NULL);
CREATE INDEX glpi_itilfollowups_by_item ON glpi_itilfollowups (itemtype, items_id);
CREATE TABLE glpi_documents (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, filename TEXT, filepath TEXT,
  mime TEXT, sha1sum TEXT, tag TEXT NOT NULL, users_id INTEGER NOT NULL REFERENCES users(id),
  is_deleted INTEGER NOT NULL DEFAULT 0, content BLOB, date_mod INTEGER NOT NULL,
  date_creation INTEGER NOT NULL);
CREATE TABLE glpi_documents_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  documents_id INTEGER NOT NULL REFERENCES glpi_documents(id), itemtype TEXT NOT NULL,
  items_id INTEGER NOT NULL, users_id INTEGER NOT NULL REFERENCES users(id),
  date_mod INTEGER NOT NULL, date_creation INTEGER NOT NULL);
CREATE INDEX glpi_documents_items_by_item ON glpi_documents_items (itemtype, items_id);
)sql";

// Solutions of tickets (ITILSolution), added after schema version 5 without a version of their
// own: created where missing by the first authenticated call (ensure_glpi_solutions).
constexpr std::string_view kSolutionsSchema = R"sql(
CREATE TABLE IF NOT EXISTS glpi_itilsolutions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, itemtype TEXT NOT NULL, items_id INTEGER NOT NULL,
  content TEXT NOT NULL, status INTEGER NOT NULL, users_id INTEGER NOT NULL,
  users_id_approval INTEGER NOT NULL DEFAULT 0, date_approval INTEGER,
  date_mod INTEGER NOT NULL, date_creation INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS glpi_itilsolutions_by_item ON glpi_itilsolutions (itemtype, items_id);
)sql";

struct CategorySeed {
  int id;
  const char* name;
  int parent;
  bool helpdesk;
  bool incident;
  bool request;
};

// The six ticket reasons of the PWP (DOMAIN.md), under "SNE"; those about pieces under a
// sub-category, so that a name and a completename differ by more than a prefix; two "Autre"
// under different parents, so that a client resolving by name meets an ambiguity; one category
// hidden from the helpdesk, as GLPI's internal ones are.
constexpr std::array kCategories{
    CategorySeed{1, "SNE", 0, true, true, true},
    CategorySeed{2, "Changement souhaité d'identifiant", 1, true, false, true},
    CategorySeed{3, "Ajout / changement de guichet", 1, true, false, true},
    CategorySeed{4, "Pièces justificatives", 1, true, true, true},
    CategorySeed{5, "Temps de traitement d'une PJ supérieur au temps annoncé", 4, true, true, true},
    CategorySeed{6, "Pièce justificative refusée", 4, true, true, true},
    CategorySeed{7, "Pièce justificative mal typée", 4, true, true, true},
    CategorySeed{8, "Toute autre question fonctionnelle", 1, true, true, true},
    CategorySeed{9, "Autre", 1, true, true, true},
    CategorySeed{10, "Autre", 4, true, true, true},
    CategorySeed{11, "Exploitation (interne)", 0, false, true, false},
};

void seed_categories(Db& db, std::int64_t now) {
  for (const auto& c : kCategories) {
    std::string completename = c.name;
    int level = 1;
    if (c.parent != 0) {
      auto st = db.prepare("SELECT completename, level FROM glpi_itilcategories WHERE id = ?");
      st.bind(c.parent);
      st.step();
      completename = st.text(0) + " > " + c.name;
      level = static_cast<int>(st.int64(1)) + 1;
    }
    db.run(
        "INSERT INTO glpi_itilcategories (id, name, completename, itilcategories_id, level, "
        "is_helpdeskvisible, is_incident, is_request, date_mod, date_creation) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        c.id, c.name, completename, c.parent, level, c.helpdesk, c.incident, c.request, now, now);
  }
}

/// "sandbox-glpi-" and the part of the e-mail before '@', '.' written '-' (sandbox.hpp).
std::string user_token_for(const std::string& email) {
  std::string local = email.substr(0, email.find('@'));
  for (char& ch : local)
    if (ch == '.') ch = '-';
  return "sandbox-glpi-" + local;
}

}  // namespace

void create_glpi(Db& db, Timestamp now) {
  db.exec(kGlpiSchema);
  db.exec(kSolutionsSchema);
  seed_categories(db, to_seconds(now));
  db.run("INSERT INTO glpi_app_tokens (token_sha256, name) VALUES (?, 'sne sandbox')",
         crypto::sha256_hex(kSandboxGlpiAppToken));
  std::vector<std::pair<std::int64_t, std::string>> users;
  {
    auto st = db.prepare("SELECT id, email FROM users WHERE email LIKE '%@sandbox.sne.test'");
    while (st.step()) users.emplace_back(st.int64(0), st.text(1));
  }
  for (const auto& [id, email] : users)
    db.run("INSERT INTO glpi_user_tokens (token_sha256, user_id) VALUES (?, ?)",
           crypto::sha256_hex(user_token_for(email)), id);
  const glpi::Knobs defaults;
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('glpi_session_ttl', ?)",
         std::to_string(defaults.session_ttl));
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('glpi_session_calls', ?)",
         std::to_string(defaults.session_calls));
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('glpi_max_upload', ?)",
         std::to_string(defaults.max_upload));
}

namespace glpi {

void ensure_glpi_solutions(Db& db) {
  auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'glpi_itilsolutions'");
  if (!st.step()) db.exec(kSolutionsSchema);
}

Knobs read_knobs(Db& db) {
  Knobs k;
  auto st = db.prepare("SELECT key, value FROM meta WHERE key LIKE 'glpi_%'");
  while (st.step()) {
    const std::string key = st.text(0);
    if (key == "glpi_session_ttl") k.session_ttl = st.int64(1);
    if (key == "glpi_session_calls") k.session_calls = st.int64(1);
    if (key == "glpi_max_upload") k.max_upload = st.int64(1);
  }
  return k;
}

void write_knob(Db& db, std::string_view key, std::int64_t value) {
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, std::to_string(value));
}

int open_sessions(Db& db, std::int64_t now) {
  const Knobs k = read_knobs(db);
  auto st = db.prepare(
      "SELECT count(*) FROM glpi_sessions WHERE killed = 0 AND ? - last_used <= ? "
      "AND (? = 0 OR calls < ?)");
  st.bind(now, k.session_ttl, k.session_calls, k.session_calls);
  st.step();
  return static_cast<int>(st.int64(0));
}

}  // namespace glpi

}  // namespace sne::sandbox
