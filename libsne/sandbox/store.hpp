// Internal: the sandbox database: its schema, its demo data, and its clock.
#pragma once

#include <string>
#include <vector>

#include "sandbox/db.hpp"
#include "sne/sandbox.hpp"
#include "sne/timestamp.hpp"

namespace sne::sandbox {

/// Bumped when the schema changes. A database of version 2 or 3 is migrated in place (version 3
/// added the GLPI tables, 4 the count of failed sign-ins); an older one is refused with a hint
/// to reset it.
inline constexpr int kSchemaVersion = 6;

/// Seconds between a pli's transmission and its processing by the sandbox's numériseur.
inline constexpr int kDefaultNumeriseurDelay = 60;

/// Creates the schema and seeds the demo data, in one transaction, unless the database holds
/// them already (several processes may race to do it: one wins, the others wait and see it).
/// Throws DbError; std::runtime_error for a database of another schema version.
void prepare(Db& db);

/// Deletes every table and seeds the demo data again, in one transaction, keeping the clock
/// (the seed is dated from it); refuses (throws std::runtime_error) a database that is not a
/// sandbox.
void reset(Db& db);

/// The sandbox's clock (clock.cpp): the system clock plus an offset that advance_clock()
/// moves forward, or an instant set by fix_clock() that stays put until advanced or released.
/// Every instant of the sandbox (sessions, plis, the numériseur) comes from now().
SandboxClock read_clock(Db& db);
Timestamp now(Db& db);
/// now() to the system clock's precision while the clock runs (whole seconds when it is fixed):
/// for waits that a fraction of a second matters to, the sign-in throttle's.
Timestamp precise_now(Db& db);
/// Stops the clock at `at`, forwards or backwards.
void fix_clock(Db& db, Timestamp at);
/// Back to the system clock, without offset.
void release_clock(Db& db);
/// Moves the clock, fixed or not, `seconds` forward.
void advance_clock(Db& db, std::int64_t seconds);
std::int64_t to_seconds(Timestamp t);
Timestamp from_seconds(std::int64_t s);

/// Fills a freshly created schema with the demo guichets, agents, demandes and plis, dated
/// relative to `now`. Deterministic apart from dates, password salts and the ids of account
/// requests (random, as real ones are).
void seed(Db& db, Timestamp now);

/// Creates the tables of the sandbox's GLPI and seeds them: categories, the App-Token, one
/// user_token per demo agent (who must exist), the knobs at their defaults (glpi_store.cpp).
/// Must run in a write transaction.
void create_glpi(Db& db, Timestamp now);

/// Adds the plis of seed_sandbox_plis() for `options.guichet`, a guichet of `territoire`,
/// transmitted before `now` (seed_plis.cpp). Precondition: the options are valid. Must run in
/// a write transaction.
SeededPlis seed_plis(Db& db, const SeedPlisOptions& options, const std::string& territoire,
                     Timestamp now);

/// Adds `count` new demandes with random numéros uniques of `territoire` ending with
/// `guichet`, none held by an existing demande, registered over the six years before `now`;
/// their numéros, in ascending order but for the few drawn again after a collision
/// (seed_demandes.cpp). Precondition: count >= 1 and a valid
/// guichet of that territory. Must run in a write transaction.
std::vector<std::string> seed_demandes(Db& db, int count, const std::string& territoire,
                                       const std::string& guichet, Timestamp now);

}  // namespace sne::sandbox
