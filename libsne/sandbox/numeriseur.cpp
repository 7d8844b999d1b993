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

/// The reason a piece is rejected, or nothing when it is accepted.
std::optional<std::string> judge(Db& db, const std::string& numero, const WaitingPiece& p) {
  const PieceType* type = Catalog::builtin().find_type(p.type);
  if (type == nullptr) return fmt::format("Type de pièce inconnu : '{}'", p.type);
  if (type->perimetre == Perimetre::hors_perimetre) return "Pièce hors périmètre réglementaire";
  if (p.upload_id) {  // sent digitally: the file itself is examined
    auto st = db.prepare("SELECT content FROM uploads WHERE id = ?");
    st.bind(*p.upload_id);
    if (!st.step()) return "Pièce illisible (inexploitable) : fichier introuvable";
    InspectOptions options;
    options.type = p.type;
    const InspectReport report = inspect_bytes(st.text(0), p.nom_fichier, options);
    if (!report.ok()) return motif_for(report);
  }
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

NumeriseurTally run_numeriseur(Db& db, Timestamp now_time, bool everything) {
  const std::int64_t now = to_seconds(now_time);
  const std::int64_t delay = numeriseur_delay(db);
  auto waiting = db.prepare(
      "SELECT transaction_id, numero, date_transmission FROM plis WHERE statut = "
      "'numerisation_en_cours' AND stuck = 0 AND date_transmission <= ? "
      "ORDER BY date_transmission, rowid");  // rowid: the order they were sent in
  waiting.bind(everything ? now : now - delay);
  std::vector<std::tuple<std::string, std::string, std::int64_t>> plis;
  while (waiting.step()) plis.emplace_back(waiting.text(0), waiting.text(1), waiting.int64(2));

  NumeriseurTally tally;
  for (const auto& [tx, numero, sent] : plis) {
    const std::int64_t at = std::min(now, sent + delay);
    const auto pieces = pieces_of(db, tx);
    if (auto refusal = dossier_refusal(db, numero, at)) {
      db.run("UPDATE pli_pieces SET resultat = 'rejetee', motif = ? WHERE transaction_id = ?",
             *refusal, tx);
      set_status(db, tx, "rejet_dossier", at);
      ++tally.rejet_dossier;
      tally.transactions.push_back(tx);
      continue;
    }
    bool any_rejected = false;
    for (const auto& p : pieces) {
      const auto motif = judge(db, numero, p);
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
          "transaction_id, date_emission, date_expiration, annee_revenus) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          "pc-" + crypto::random_alnum(16), numero, p.type, p.nom_fichier, p.taille, at, tx,
          p.date_emission, p.date_expiration, p.annee_revenus);
    }
    // The contents were only kept for the numériseur (the ids stay: not reusable).
    db.run(
        "UPDATE uploads SET content = X'' WHERE id IN (SELECT upload_id FROM pli_pieces WHERE "
        "transaction_id = ? AND upload_id IS NOT NULL)",
        tx);
    set_status(db, tx, any_rejected ? "rejet_pieces" : "enregistrement_complet", at);
    ++(any_rejected ? tally.rejet_pieces : tally.complete);
    tally.transactions.push_back(tx);
  }
  return tally;
}

}  // namespace sne::sandbox
