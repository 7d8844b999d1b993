// Internal: the sandbox's brake on guessed passwords and tokens. Failed sign-ins (the SNE's
// POST /v1/auth/token, GLPI's initSession) are counted in the database, per account and per
// client address, so that every process sharing it agrees and a restart forgets nothing. After a
// few free failures, each further one closes the door for a wait that doubles up to a cap;
// while it is closed, attempts are refused (429, Retry-After) without the password being
// checked, so that it cannot be guessed meanwhile. Failures are forgotten after a quiet period
// and a success clears the account's: the owner is never locked out for good. Instants are the
// sandbox clock's seconds; a wait also ends once it has passed on the system clock, as a
// sandbox clock may stand still.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/db.hpp"
#include "sne/timestamp.hpp"

namespace sne::sandbox::throttle {

/// How one kind of key is slowed down.
struct Rule {
  std::int64_t free_failures;  ///< failures answered at once before the first wait
  std::int64_t first_wait;     ///< seconds of the first wait, doubled at each further failure
  std::int64_t max_wait;       ///< seconds: the cap of one wait
  std::int64_t forget_after;   ///< seconds without a failure after which all are forgotten
};

/// Per account: 5 free failures, then 1 s, 2 s, 4 s... up to 10 minutes; forgotten after an
/// hour without failure.
inline constexpr Rule kAccountRule{5, 1, 600, 3600};
/// Per client address: looser, as several agents may share one (a NAT, a proxy).
inline constexpr Rule kAddressRule{20, 1, 600, 3600};

/// What the database holds for one key.
struct State {
  std::int64_t failures = 0;      ///< counted since the last forgetting
  std::int64_t last_failure = 0;  ///< instant of the last one
  std::int64_t locked_until = 0;  ///< attempts are refused before this instant
};

/// The state after one more failure at `now`: failures older than the rule's quiet period are
/// forgotten first; from the free_failures-th on, the door closes for first_wait * 2^k seconds
/// (k counting from 0), at most max_wait.
State after_failure(const Rule& rule, State state, std::int64_t now);

/// Seconds still to wait at `now`, 0 when the door is open; never more than the rule's cap,
/// even when the sandbox clock was moved back.
std::int64_t wait(const Rule& rule, const State& state, std::int64_t now);

/// Who attempts to sign in.
struct Attempt {
  std::string account;  ///< the e-mail as given (lower-cased); empty for a token
  std::string address;  ///< the client's address; empty in process (embedded transport)
  bool token = false;   ///< a token rather than a password: judged on the address alone
};

/// Why an attempt is refused: the wait and what it is kept for, in words.
struct Lockout {
  std::int64_t seconds = 0;
  std::string message;  ///< "too many failed sign-ins for agent X; try again in 8 s"
};

/// The longest wait that applies to `attempt` at `now`; nothing when it may be checked. A wait
/// also ends once it has passed on the system clock, so that a fixed sandbox clock does not
/// keep the door closed for good.
std::optional<Lockout> check(Db& db, const Attempt& attempt, Timestamp now);
/// Counts a failure of `attempt` against each of its keys. Must run in a write transaction.
/// The sandbox clock's door opens on the first whole second after the wait has passed: a
/// failure at 10:00:00.95 with a wait of 1 s keeps it closed until 10:00:02 on that clock (the
/// system clock's, kept to the millisecond, opens it at 10:00:01.95), never at 10:00:01.
void record_failure(Db& db, const Attempt& attempt, Timestamp now);
/// A success: the account's failures are forgotten (its address's are not). Write transaction.
void record_success(Db& db, const Attempt& attempt);

/// The SQL of the table, for the schema and its migration.
extern const char* const kSchema;

}  // namespace sne::sandbox::throttle
