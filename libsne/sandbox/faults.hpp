// Internal: the fault knobs of the sandbox (sne/sandbox.hpp, SandboxFaults): how they are kept
// in `meta`, which requests they apply to, and the random draws and the pace of pli creations
// that decide what happens to each request. The handler applies them (Handler::serve).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string_view>

#include "sandbox/db.hpp"
#include "sne/error.hpp"
#include "sne/sandbox.hpp"

namespace sne::sandbox::faults {

/// The knobs kept in `meta` (rows `fault_*`; a missing row is the knob's default, off).
SandboxFaults read(Db& db);
/// Applies `change` (validated first) to the knobs of `db`. Must run in a write transaction.
void write(Db& db, const SandboxFaultsChange& change);
/// invalid_input naming the first member out of range, as sandbox_faults() reports it.
Status validate(const SandboxFaultsChange& change);

/// The requests the knobs apply to: those of the contract (/v1/...), except sign-in
/// (POST /v1/auth/token), so that a test can always sign in.
bool applies_to(std::string_view method, std::string_view path);
/// POST /v1/demandes/{numero}/plis: what rate_limit counts.
bool is_pli_creation(std::string_view method, std::string_view path);

/// A token bucket of `rate` tokens a second holding at most max(1, rate): a request takes a
/// token, or is told how many whole seconds (at least 1) until one is free.
class Bucket {
 public:
  using Clock = std::chrono::steady_clock;
  /// 0 when a token was taken; else the seconds to wait. A new rate starts a full bucket.
  std::int64_t take(double rate, Clock::time_point now);

 private:
  double rate_ = 0;
  double tokens_ = 0;
  Clock::time_point last_{};
};

/// What the knobs make of one request.
struct Plan {
  bool drop_before = false;  ///< close the connection, nothing done
  bool error = false;        ///< answer the knob's error status, nothing done
  bool drop_after = false;   ///< process, then close the connection without the answer
};

/// The random draws of one process (a Mersenne Twister seeded from std::random_device) and its
/// bucket of pli creations; thread-safe.
class Dice {
 public:
  Dice();
  explicit Dice(std::uint64_t seed) : rng_(seed) {}
  Plan draw(const SandboxFaults& knobs);
  /// See Bucket::take.
  std::int64_t admit_pli(double rate, Bucket::Clock::time_point now);

 private:
  std::mutex mutex_;
  std::mt19937_64 rng_;
  Bucket bucket_;
};

}  // namespace sne::sandbox::faults
