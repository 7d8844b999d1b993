// Internal: the pace of a watch, shared by watch_plis (sne/tracking.hpp) and watch_ticket
// (sne/glpi.hpp): the checks of WatchOptions, the wait that starts at the interval, doubles
// while nothing changes and comes back on a change, the deadline, and waits in slices that end
// early once the caller cancels.
#pragma once

#include <chrono>

#include "sne/error.hpp"
#include "sne/tracking.hpp"

namespace sne::tracking {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  /// invalid_input (subject "interval") when the interval is not positive or longer than the
  /// longest wait.
  static Status check(const WatchOptions& options);

  /// Starts the clock of the deadline. `options` must outlive the pacer.
  explicit Pacer(const WatchOptions& options);

  /// Whether the caller cancelled (WatchOptions::cancelled).
  bool cancelled() const;
  /// After a round: the next wait is the interval again after a change, else twice the last
  /// one, up to the longest (a failed round counts as no change).
  void after_round(bool changed);
  /// False when the deadline has passed: the watch times out. Else waits for the next round,
  /// the last one falling on the deadline itself, and returns true (check cancelled() after).
  bool wait_for_next_round();

 private:
  Clock::time_point now() const;

  const WatchOptions& options_;
  Clock::time_point start_;
  std::chrono::milliseconds wait_;
};

}  // namespace sne::tracking
