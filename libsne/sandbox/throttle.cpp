#include "sandbox/throttle.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "sandbox/store.hpp"

namespace sne::sandbox::throttle {

namespace {

/// Longer keys are cut: an attacker's megabyte of e-mail costs no more than an e-mail.
constexpr std::size_t kMaxKey = 320;

struct Key {
  std::string key;  ///< "account:agent@x", "address:127.0.0.1"
  const Rule* rule;
  std::string shown;  ///< "for agent@x", "from 127.0.0.1"
};

std::vector<Key> keys_of(const Attempt& a) {
  std::vector<Key> out;
  if (!a.token && !a.account.empty())
    out.push_back({"account:" + a.account.substr(0, kMaxKey), &kAccountRule,
                   "for " + a.account.substr(0, kMaxKey)});
  // In process there is no address: passwords are judged on the account alone, tokens (which
  // name no account) on the process's own key.
  if (!a.address.empty())
    out.push_back({"address:" + a.address.substr(0, kMaxKey), &kAddressRule,
                   "from " + a.address.substr(0, kMaxKey)});
  else if (a.token)
    out.push_back({"address:", &kAddressRule, "of this process"});
  return out;
}

/// A stored state and when its door opens on the system clock, in milliseconds.
struct Stored {
  State state;
  std::int64_t locked_until_ms = 0;
};

std::optional<Stored> load(Db& db, const std::string& key) {
  auto st = db.prepare(
      "SELECT failures, last_failure, locked_until, locked_until_ms FROM sign_in_failures "
      "WHERE key = ?");
  st.bind(key);
  if (!st.step()) return std::nullopt;
  return Stored{{st.int64(0), st.int64(1), st.int64(2)}, st.int64(3)};
}

std::int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const char* const kSchema = R"sql(
CREATE TABLE sign_in_failures (
  key TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure INTEGER NOT NULL,
  locked_until INTEGER NOT NULL, locked_until_ms INTEGER NOT NULL DEFAULT 0);
)sql";

State after_failure(const Rule& rule, State state, std::int64_t now) {
  if (now - state.last_failure >= rule.forget_after) state = State{};
  state.failures += 1;
  state.last_failure = now;
  if (state.failures >= rule.free_failures) {
    const std::int64_t doublings = std::min<std::int64_t>(state.failures - rule.free_failures, 30);
    state.locked_until = now + std::min(rule.first_wait << doublings, rule.max_wait);
  }
  return state;
}

std::int64_t wait(const Rule& rule, const State& state, std::int64_t now) {
  return std::clamp<std::int64_t>(state.locked_until - now, 0, rule.max_wait);
}

std::optional<Lockout> check(Db& db, const Attempt& attempt, Timestamp at) {
  const std::int64_t now = to_seconds(at);
  std::optional<Lockout> longest;
  const std::int64_t system = system_ms();
  for (const Key& k : keys_of(attempt)) {
    const auto stored = load(db, k.key);
    if (!stored) continue;
    // The door opens when the wait has passed on the sandbox clock or on the system clock,
    // whichever comes first: a sandbox clock set to stand still, or moved back, does not keep
    // it closed.
    const std::int64_t on_system = (stored->locked_until_ms - system + 999) / 1000;
    const std::int64_t seconds =
        std::min(wait(*k.rule, stored->state, now), std::max<std::int64_t>(on_system, 0));
    if (seconds > 0 && (!longest || seconds > longest->seconds))
      longest = Lockout{
          seconds, fmt::format("too many failed sign-ins {}; try again in {} s", k.shown, seconds)};
  }
  return longest;
}

void record_failure(Db& db, const Attempt& attempt, Timestamp at) {
  const std::int64_t now = to_seconds(at);
  // Within a second, the wait on the sandbox clock (counted in whole seconds) would end early.
  const bool within_second = at > from_seconds(now);
  // Keys quiet for longer than any rule's memory go, so that the table stays small whatever
  // names are tried.
  db.run("DELETE FROM sign_in_failures WHERE last_failure < ?",
         now - std::max(kAccountRule.forget_after, kAddressRule.forget_after));
  const std::int64_t system = system_ms();
  for (const Key& k : keys_of(attempt)) {
    const auto stored = load(db, k.key);
    State next = after_failure(*k.rule, stored ? stored->state : State{}, now);
    const std::int64_t waiting = wait(*k.rule, next, now);
    if (waiting > 0 && within_second) next.locked_until += 1;
    db.run(
        "INSERT OR REPLACE INTO sign_in_failures (key, failures, last_failure, locked_until, "
        "locked_until_ms) VALUES (?, ?, ?, ?, ?)",
        k.key, next.failures, next.last_failure, next.locked_until, system + waiting * 1000);
  }
}

void record_success(Db& db, const Attempt& attempt) {
  for (const Key& k : keys_of(attempt))
    if (k.rule == &kAccountRule) db.run("DELETE FROM sign_in_failures WHERE key = ?", k.key);
}

}  // namespace sne::sandbox::throttle
