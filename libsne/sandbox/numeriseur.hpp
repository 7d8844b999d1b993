// Internal: the sandbox's numériseur. It processes the plis sent through the API (seeded plis
// still "en cours" are stuck on purpose and never processed): each piece is inspected as the
// preflight does (sne/inspect.hpp, isolated), checked against the catalog and the category's
// room, then accepted into the demande or rejected with a reason.
//
// Inspecting a piece takes up to the preflight's time limit, so it runs with no lock and no
// transaction held: the due plis are picked in a short read, each piece's file is read in
// another and inspected outside, and each pli's outcome is recorded in its own short write
// transaction that first checks the pli still waits. Several processes sharing the database
// (the CLI and a running server) may pick the same pli: only the first to record it does, so a
// pli has exactly one outcome.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
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

/// Runs `step` with the database to itself: under the lock of a shared connection, or directly
/// on a process's own. Each step is short and opens its own transaction.
using WithDb = std::function<void(const std::function<void(Db&)>& step)>;

/// Processes the plis due at the sandbox's clock (every waiting one when `everything`), oldest
/// first; a pli is processed at min(now, transmission + delay). Call with no transaction open
/// and no lock held: it takes them through `with_db`, and inspects outside. `claimed` holds
/// the plis other callers sharing `with_db` are processing (read and written only within
/// `with_db`): they are skipped, and this call's own are added while it works on them. The
/// tally counts the plis this call recorded. Throws DbError (what was recorded stays).
NumeriseurTally run_numeriseur(const WithDb& with_db, bool everything,
                               std::set<std::string>& claimed);

}  // namespace sne::sandbox
