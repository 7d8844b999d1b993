// Internal: the sandbox's numériseur. It processes the plis sent through the API (seeded plis
// still "en cours" are stuck on purpose and never processed): each piece is inspected as the
// preflight does (sne/inspect.hpp, isolated), checked against the catalog and the category's
// room, then accepted into the demande or rejected with a reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/db.hpp"
#include "sne/timestamp.hpp"

namespace sne::sandbox {

struct NumeriseurTally {
  int complete = 0;                       ///< enregistrement complet
  int rejet_pieces = 0;                   ///< some pieces rejected
  int rejet_dossier = 0;                  ///< the whole pli rejected
  std::vector<std::string> transactions;  ///< processed, in order
};

/// Seconds between a pli's transmission and its processing.
std::int64_t numeriseur_delay(Db& db);

/// Whether some pli is due at `now`. Cheap: called before every request.
bool numeriseur_due(Db& db, Timestamp now);

/// Processes the due plis (every waiting one when `everything`), oldest first. Must run in a
/// write transaction. A pli is processed at min(now, transmission + delay).
NumeriseurTally run_numeriseur(Db& db, Timestamp now, bool everything);

}  // namespace sne::sandbox
