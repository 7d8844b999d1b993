#include "sandbox/numeriseur.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "crypto/crypto.hpp"
#include "sandbox/store.hpp"
#include "sne/catalog.hpp"
#include "sne/date.hpp"
#include "sne/inspect.hpp"

namespace sne::sandbox {

namespace {

constexpr std::int64_t kDay = 86400;

struct WaitingPiece {
  std::int64_t position = 0;
  std::string type, nom_fichier;
  std::int64_t taille = 0;
  std::optional<std::string> upload_id, date_emission, date_expiration;
  std::optional<std::int64_t> annee_revenus;
};

std::optional<std::string> opt_text(const Stmt& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  return st.text(column);
}

/// Why the numériseur rejects a piece the preflight refuses, as the PWP words it.
std::string motif_for(const InspectReport& report) {
  const Finding& f = report.problems.front();
  if (f.code == problem::pdf_password || f.code == problem::pdf_encrypted)
    return "Pièce chiffrée ou protégée par un mot de passe : " + f.message;
  if (f.code == problem::too_large || f.code == problem::format_not_accepted)
    return "Format ou taille de fichier non accepté : " + f.message;
  if (f.code == problem::pdf_no_pages || f.code == problem::empty_file)
    return "Pièce vide : " + f.message;
  return "Pièce illisible (inexploitable) : " + f.message;
}

/// Why the catalog refuses the piece's type, or nothing.
std::optional<std::string> catalog_motif(const WaitingPiece& p) {
  const PieceType* type = Catalog::builtin().find_type(p.type);
  if (type == nullptr) return fmt::format("Type de pièce inconnu : '{}'", p.type);
  if (type->perimetre == Perimetre::hors_perimetre) return "Pièce hors périmètre réglementaire";
  return std::nullopt;
}

/// Why the category has no room left for the piece, or nothing.
std::optional<std::string> room_motif(Db& db, const std::string& numero, const WaitingPiece& p) {
  const PieceType* type = Catalog::builtin().find_type(p.type);
  auto count = db.prepare("SELECT count(*) FROM pieces WHERE numero = ? AND type = ?");
  count.bind(numero, p.type);
  count.step();
  if (count.int64(0) >= type->max_pieces)
    return fmt::format(
        "Catégorie pleine ({} pièces max.) : supprimer une pièce avant d'en "
        "ajouter",
        type->max_pieces);
  return std::nullopt;
}

std::vector<WaitingPiece> pieces_of(Db& db, const std::string& tx) {
  auto st = db.prepare(
      "SELECT position, type, nom_fichier, taille, upload_id, date_emission, date_expiration, "
      "annee_revenus FROM pli_pieces WHERE transaction_id = ? ORDER BY position");
  st.bind(tx);
  std::vector<WaitingPiece> out;
  while (st.step()) {
    WaitingPiece p;
    p.position = st.int64(0);
    p.type = st.text(1);
    p.nom_fichier = st.text(2);
    p.taille = st.int64(3);
    p.upload_id = opt_text(st, 4);
    p.date_emission = opt_text(st, 5);
    p.date_expiration = opt_text(st, 6);
    if (!st.is_null(7)) p.annee_revenus = st.int64(7);
    out.push_back(std::move(p));
  }
  return out;
}

/// Why the whole pli is rejected (unknown or radiated demande), or nothing.
std::optional<std::string> dossier_refusal(Db& db, const std::string& numero, std::int64_t at) {
  auto st = db.prepare("SELECT date_radiation FROM demandes WHERE numero = ?");
  st.bind(numero);
  if (!st.step()) return "Dossier rejeté par le SNE : numéro unique inconnu";
  if (st.is_null(0)) return std::nullopt;
  auto radiated = Date::parse(st.text(0));
  if (radiated && radiated->days() * kDay <= at)
    return fmt::format("Dossier rejeté par le SNE : demande radiée le {}", radiated->iso());
  return std::nullopt;
}

void set_status(Db& db, const std::string& tx, const char* statut, std::int64_t at) {
  db.run("UPDATE plis SET statut = ?, date_statut = ? WHERE transaction_id = ?", statut, at, tx);
  db.run(
      "INSERT INTO pli_history (transaction_id, position, statut, date) SELECT ?, "
      "coalesce(max(position), -1) + 1, ?, ? FROM pli_history WHERE transaction_id = ?",
      tx, statut, at, tx);
}

/// A pli picked for processing: what its outcome is decided from, and the verdict of each
/// piece's own checks (catalog and inspection), filled outside any transaction.
struct PickedPli {
  std::string tx, numero;
  std::int64_t at = 0;   ///< the instant it is processed at
  bool refused = false;  ///< the dossier refused it when picked: nothing to inspect
  std::vector<WaitingPiece> pieces;
  std::vector<std::optional<std::string>> motifs;  ///< by index of pieces
};

std::vector<PickedPli> pick(Db& db, bool everything, std::set<std::string>& claimed) {
  Transaction read(db, false);
  const std::int64_t now = to_seconds(sandbox::now(db));
  const std::int64_t delay = numeriseur_delay(db);
  auto waiting = db.prepare(
      "SELECT transaction_id, numero, date_transmission FROM plis WHERE statut = "
      "'numerisation_en_cours' AND stuck = 0 AND date_transmission <= ? "
      "ORDER BY date_transmission, rowid");  // rowid: the order they were sent in
  waiting.bind(everything ? now : now - delay);
  std::vector<PickedPli> out;
  while (waiting.step()) {
    PickedPli pli;
    pli.tx = waiting.text(0);
    if (claimed.count(pli.tx) != 0) continue;
    pli.numero = waiting.text(1);
    pli.at = std::min(now, waiting.int64(2) + delay);
    out.push_back(std::move(pli));
  }
  for (auto& pli : out) {
    pli.pieces = pieces_of(db, pli.tx);
    pli.motifs.resize(pli.pieces.size());
    pli.refused = dossier_refusal(db, pli.numero, pli.at).has_value();
  }
  read.commit();
  for (const auto& pli : out) claimed.insert(pli.tx);  // released by run_numeriseur
  return out;
}

/// The file of a piece sent digitally, read in a short transaction; nullopt when the pli no
/// longer waits (processed meanwhile by another process), "" when the file is gone.
std::optional<std::optional<std::string>> read_upload(Db& db, const std::string& tx,
                                                      const std::string& upload_id) {
  Transaction read(db, false);
  auto waiting = db.prepare(
      "SELECT 1 FROM plis WHERE transaction_id = ? AND statut = 'numerisation_en_cours'");
  waiting.bind(tx);
  if (!waiting.step()) return std::nullopt;
  auto st = db.prepare("SELECT content FROM uploads WHERE id = ?");
  st.bind(upload_id);
  std::optional<std::string> content;
  if (st.step()) content = st.text(0);
  read.commit();
  return content;
}

/// Inspects the pieces of `pli` (the slow part: each file in the preflight's isolated child),
/// with no lock or transaction held between reads. False when the pli was processed meanwhile.
bool inspect_pieces(const WithDb& with_db, PickedPli& pli) {
  for (std::size_t i = 0; i < pli.pieces.size(); ++i) {
    const WaitingPiece& p = pli.pieces[i];
    pli.motifs[i] = catalog_motif(p);
    if (pli.motifs[i] || !p.upload_id) continue;  // on paper: nothing to inspect
    std::optional<std::optional<std::string>> content;
    with_db([&](Db& db) { content = read_upload(db, pli.tx, *p.upload_id); });
    if (!content) return false;
    if (!*content) {
      pli.motifs[i] = "Pièce illisible (inexploitable) : fichier introuvable";
      continue;
    }
    InspectOptions options;
    options.type = p.type;
    const InspectReport report = inspect_bytes(**content, p.nom_fichier, options);
    if (!report.ok()) pli.motifs[i] = motif_for(report);
  }
  return true;
}

/// Records the outcome of `pli`, in one write transaction, unless it no longer waits.
void record(Db& db, const PickedPli& pli, NumeriseurTally& tally) {
  Transaction write(db, true);
  auto waiting = db.prepare(
      "SELECT 1 FROM plis WHERE transaction_id = ? AND statut = 'numerisation_en_cours' AND "
      "stuck = 0");
  waiting.bind(pli.tx);
  if (!waiting.step()) return;  // another process recorded it first
  const std::string& tx = pli.tx;
  if (auto refusal = dossier_refusal(db, pli.numero, pli.at)) {
    db.run("UPDATE pli_pieces SET resultat = 'rejetee', motif = ? WHERE transaction_id = ?",
           *refusal, tx);
    set_status(db, tx, "rejet_dossier", pli.at);
    write.commit();
    ++tally.rejet_dossier;
    tally.transactions.push_back(tx);
    return;
  }
  // Refused when picked, and no longer: its pieces were never inspected. It waits for the
  // next pick, which inspects them.
  if (pli.refused) return;
  bool any_rejected = false;
  for (std::size_t i = 0; i < pli.pieces.size(); ++i) {
    const WaitingPiece& p = pli.pieces[i];
    const auto motif = pli.motifs[i] ? pli.motifs[i] : room_motif(db, pli.numero, p);
    if (motif) {
      any_rejected = true;
      db.run(
          "UPDATE pli_pieces SET resultat = 'rejetee', motif = ? WHERE transaction_id = ? "
          "AND position = ?",
          *motif, tx, p.position);
      continue;
    }
    db.run(
        "UPDATE pli_pieces SET resultat = 'acceptee', motif = '' WHERE transaction_id = ? AND "
        "position = ?",
        tx, p.position);
    db.run(
        "INSERT INTO pieces (id, numero, type, nom_fichier, taille, date_ajout, "
        "transaction_id, date_emission, date_expiration, annee_revenus, sha256) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT sha256 FROM uploads WHERE id = ?))",
        "pc-" + crypto::random_alnum(16), pli.numero, p.type, p.nom_fichier, p.taille, pli.at, tx,
        p.date_emission, p.date_expiration, p.annee_revenus, p.upload_id);
  }
  // The contents were only kept for the numériseur (the ids stay: not reusable).
  db.run(
      "UPDATE uploads SET content = X'' WHERE id IN (SELECT upload_id FROM pli_pieces WHERE "
      "transaction_id = ? AND upload_id IS NOT NULL)",
      tx);
  set_status(db, tx, any_rejected ? "rejet_pieces" : "enregistrement_complet", pli.at);
  write.commit();
  ++(any_rejected ? tally.rejet_pieces : tally.complete);
  tally.transactions.push_back(tx);
}

}  // namespace

std::int64_t numeriseur_delay(Db& db) {
  auto st = db.prepare("SELECT value FROM meta WHERE key = 'numeriseur_delay'");
  return st.step() ? std::stoll(st.text(0)) : kDefaultNumeriseurDelay;
}

bool numeriseur_due(Db& db, Timestamp now) {
  auto st = db.prepare(
      "SELECT 1 FROM plis WHERE statut = 'numerisation_en_cours' AND stuck = 0 AND "
      "date_transmission <= ? LIMIT 1");
  st.bind(to_seconds(now) - numeriseur_delay(db));
  return st.step();
}

NumeriseurTally run_numeriseur(const WithDb& with_db, bool everything,
                               std::set<std::string>& claimed) {
  std::vector<PickedPli> plis;
  with_db([&](Db& db) { plis = pick(db, everything, claimed); });
  // Whatever happens, the claims of this call end with it.
  struct Release {
    const WithDb& with_db;
    std::set<std::string>& claimed;
    const std::vector<PickedPli>& plis;
    ~Release() {
      with_db([this](Db&) {
        for (const auto& pli : plis) claimed.erase(pli.tx);
      });
    }
  } release{with_db, claimed, plis};
  NumeriseurTally tally;
  for (auto& pli : plis) {
    if (!pli.refused && !inspect_pieces(with_db, pli)) continue;
    with_db([&](Db& db) { record(db, pli, tally); });
  }
  return tally;
}

}  // namespace sne::sandbox
