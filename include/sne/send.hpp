// sne/send.hpp - sending pieces to a demande as one pli, safely: every file passes the
// preflight first, a full category or a radiated demande is refused before anything is sent,
// files are streamed from disk, and the pli carries an idempotency key derived from what is
// sent, so that a retried or repeated command returns the first pli instead of a second one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sne/catalog.hpp"
#include "sne/date.hpp"
#include "sne/error.hpp"
#include "sne/inspect.hpp"
#include "sne/pli.hpp"
#include "sne/service.hpp"

namespace sne {

struct SendPiecesInput {
  std::string numero_unique;
  std::string type;                ///< catalog type code of every file
  std::string contexte = "AJO";    ///< code or name
  std::vector<std::string> files;  ///< 1 to 20 paths; their base names are sent
  std::optional<Date> date_emission;
  std::optional<Date> date_expiration;
  std::optional<int> annee_revenus;
  /// Empty: derived from the numéro, type, contexte, dates and each file's name and SHA-256.
  std::string idempotency_key;
  const Catalog* catalog = nullptr;  ///< nullptr: the built-in one
  InspectOptions preflight;          ///< type and catalog are set from the fields above
};

struct SendPiecesResult {
  std::vector<InspectReport> preflight;  ///< one per file, in order
  Pli pli;
  std::string idempotency_key;
};

/// Preflights, checks the demande, uploads and sends. Errors: invalid_input naming the first
/// file the preflight rejects (nothing is sent); conflict for a full category (with the
/// 'sne dossier clean' to run) or a radiated demande; the service's errors otherwise.
Result<SendPiecesResult> send_pieces(Service& service, const SendPiecesInput& input);

}  // namespace sne
