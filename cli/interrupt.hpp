// Ctrl-C during long commands (fiche batches, pli watch): caught, so that the command stops
// cleanly, says what it did and exits 130.
#pragma once

#include <atomic>

namespace sne::cli {

/// Catches SIGINT while alive, unless the caller chose to ignore it; restores the previous
/// handler on destruction.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  /// True once SIGINT came while a guard was alive.
  static bool interrupted() noexcept;
  /// The flag itself, for a library call that polls it (a bulk run).
  static const std::atomic<bool>& flag() noexcept;

 private:
  void (*previous_)(int);
};

}  // namespace sne::cli
