// sne/pli.hpp - plis (sendings to the numériseur) as the tableau de bord lists them.
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
  std::string numero_unique;
  std::string guichet;  ///< the guichet that sent it
  Contexte contexte = Contexte::ajout;
  StatutPli statut = StatutPli::numerisation_en_cours;
  Timestamp date_transmission;
  Timestamp date_statut;
  int nb_pieces = 0;
};

enum class PieceOutcome { en_attente, acceptee, rejetee };
SNE_EXPORT std::string_view to_string(PieceOutcome outcome) noexcept;

struct PliPiece {
  std::string type;
  std::string nom_fichier;
  std::uint64_t taille = 0;
  PieceOutcome resultat = PieceOutcome::en_attente;
  std::string motif;  ///< reason of a rejection
};

struct StatusChange {
  StatutPli statut = StatutPli::numerisation_en_cours;
  Timestamp date;
};

struct Pli {
  PliSummary resume;
  std::vector<PliPiece> pieces;
  std::vector<StatusChange> historique;  ///< oldest first; the last is the current status
};

/// Filters of GET /v1/plis; empty fields do not filter.
struct PliFilter {
  std::optional<StatutPli> statut;
  std::string numero_unique;
  std::optional<Contexte> contexte;
  std::optional<Timestamp> since;  ///< date_transmission >= since
  std::optional<Timestamp> until;  ///< date_transmission < until
  int limit = 50;                  ///< page size, 1 to 500
  std::string cursor;              ///< from the previous page's next_cursor
  /// The pli that a request carrying this Idempotency-Key created, if the signed-in agent sent
  /// one: asked before sending, so that a repeated send is recognised before any check.
  std::string idempotency_key;
};

struct PliPage {
  std::vector<PliSummary> items;  ///< newest first
  std::string next_cursor;        ///< empty on the last page
};

}  // namespace sne
