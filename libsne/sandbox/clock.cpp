// The sandbox's clock. It lives in the `meta` table, so that every process sharing the database
// (the CLI, a running `sne sandbox serve`) reads the same time at its next statement:
//   clock_offset  seconds added to the system clock (auto mode)
//   clock_fixed   the instant, in seconds, at which the clock stands still (fixed mode only;
//                 databases made before the fixed clock existed never hold it)
// A fixed clock keeps clock_offset close to it (fixed instant minus the system time when it
// was set), so that an older sne that ignores clock_fixed still sees about the same time.
#include <optional>

#include "sandbox/store.hpp"

namespace sne::sandbox {

namespace {

std::int64_t system_seconds() { return to_seconds(std::chrono::system_clock::now()); }

void put(Db& db, std::string_view key, std::int64_t value) {
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, std::to_string(value));
}

/// Sessions that have expired by the clock's present instant are marked dead before it is set
/// anywhere else, backwards included: an expiry, once reached, is final.
void bury_expired_sessions(Db& db) {
  db.run("UPDATE sessions SET revoked = 1 WHERE revoked = 0 AND expires_at <= ?",
         to_seconds(read_clock(db).now));
}

}  // namespace

std::int64_t to_seconds(Timestamp t) {
  // Down, not toward zero: an instant before 1970 is in the second that began before it.
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

Timestamp from_seconds(std::int64_t s) { return Timestamp(std::chrono::seconds(s)); }

SandboxClock read_clock(Db& db) {
  std::int64_t offset = 0;
  std::optional<std::int64_t> fixed;
  auto st = db.prepare("SELECT key, value FROM meta WHERE key IN ('clock_offset', 'clock_fixed')");
  while (st.step()) {
    if (st.text(0) == "clock_fixed")
      fixed = st.int64(1);
    else
      offset = st.int64(1);
  }
  const std::int64_t system = system_seconds();
  if (fixed) return {from_seconds(*fixed), true, std::chrono::seconds(*fixed - system)};
  return {from_seconds(system + offset), false, std::chrono::seconds(offset)};
}

Timestamp now(Db& db) { return read_clock(db).now; }

Timestamp precise_now(Db& db) {
  const SandboxClock clock = read_clock(db);
  if (clock.fixed) return clock.now;
  return std::chrono::system_clock::now() + clock.offset;
}

void fix_clock(Db& db, Timestamp at) {
  bury_expired_sessions(db);
  put(db, "clock_fixed", to_seconds(at));
  put(db, "clock_offset", to_seconds(at) - system_seconds());
}

void release_clock(Db& db) {
  bury_expired_sessions(db);
  db.run("DELETE FROM meta WHERE key = 'clock_fixed'");
  put(db, "clock_offset", 0);
}

void advance_clock(Db& db, std::int64_t seconds) {
  db.run(
      "UPDATE meta SET value = CAST(value AS INTEGER) + ? "
      "WHERE key IN ('clock_offset', 'clock_fixed')",
      seconds);
}

}  // namespace sne::sandbox
