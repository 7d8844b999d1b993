/// @file
/// Plis (sendings to the numériseur) as the tableau de bord lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/contexte.hpp"
#include "sne/export.hpp"
#include "sne/statut.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// What the tableau de bord shows of a pli.
struct PliSummary {
  std::string transaction;  ///< "urnwu2rddzqt": lower-case alphanumeric, 12-13 characters
  /// The demande the pli was sent for.
  std::string numero_unique;
  std::string guichet;  ///< the guichet that sent it
  /// Why the pieces were sent.
  Contexte contexte = Contexte::ajout;
  /// The pli's current status at the numériseur.
  StatutPli statut = StatutPli::numerisation_en_cours;
  /// When the guichet sent it: the start of the numériseur's 2 jours ouvrés.
  Timestamp date_transmission;
  /// When the status last changed (to spot a pli stuck in numérisation).
  Timestamp date_statut;
  /// How many pieces it carries.
  int nb_pieces = 0;
};

/// What the numériseur made of one piece of a pli.
enum class PieceOutcome { en_attente, acceptee, rejetee };
/// The snake_case name of an outcome ("en_attente", "acceptee", "rejetee").
SNE_EXPORT std::string_view to_string(PieceOutcome outcome) noexcept;

/// One piece of a pli and its outcome.
struct PliPiece {
  /// Catalog type code the piece was sent as.
  std::string type;
  /// File name as sent.
  std::string nom_fichier;
  /// Size in bytes.
  std::uint64_t taille = 0;
  /// Whether the numériseur accepted or rejected it, or has not processed it yet.
  PieceOutcome resultat = PieceOutcome::en_attente;
  std::string motif;  ///< reason of a rejection
};

/// One step of a pli's history: a status and when it was reached.
struct StatusChange {
  /// The status reached.
  StatutPli statut = StatutPli::numerisation_en_cours;
  /// When it was reached.
  Timestamp date;
};

/// A pli in full (GET /v1/plis/{transaction}): what the tableau de bord shows, its pieces and
/// the history of its statuses.
struct Pli {
  /// What the tableau de bord shows of it.
  PliSummary resume;
  /// Its pieces, in the order sent.
  std::vector<PliPiece> pieces;
  std::vector<StatusChange> historique;  ///< oldest first; the last is the current status
};

/// Filters of GET /v1/plis; empty fields do not filter.
struct PliFilter {
  /// Only plis in this status.
  std::optional<StatutPli> statut;
  /// Only plis of this demande (a numéro unique).
  std::string numero_unique;
  /// Only plis of this contexte.
  std::optional<Contexte> contexte;
  std::optional<Timestamp> since;  ///< date_transmission >= since
  std::optional<Timestamp> until;  ///< date_transmission < until
  int limit = 50;                  ///< page size, 1 to 500
  std::string cursor;              ///< from the previous page's next_cursor
  /// The pli that a request carrying this Idempotency-Key created, if the signed-in agent sent
  /// one: asked before sending, so that a repeated send is recognised before any check.
  std::string idempotency_key;
};

/// One page of the tableau de bord's list (Service::plis()).
struct PliPage {
  std::vector<PliSummary> items;  ///< newest first
  std::string next_cursor;        ///< empty on the last page
};

}  // namespace sne
