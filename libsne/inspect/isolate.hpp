// Running untrusted parsing in a child process with limits, so that a parser's crash, endless
// loop or runaway allocation ends the child, not the caller. Internal to libsne.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace sne::inspect {

struct ChildLimits {
  std::chrono::milliseconds wall{15000};  ///< the child is killed after this long
  std::uint64_t memory = 0;               ///< extra address space allowed to the child; 0: none
};

struct ChildOutcome {
  enum class Kind { finished, crashed, timed_out, out_of_memory, failed };
  Kind kind = Kind::failed;
  std::string output;  ///< what `work` returned (finished only)
  int signal = 0;      ///< the signal that ended it (crashed)
  std::string detail;  ///< why, when failed (fork or pipe errors)
};

/// Whether ChildLimits::memory is enforced. False in builds under AddressSanitizer, whose shadow
/// memory (terabytes of reserved address space) rules out an address-space limit; the wall
/// clock and CPU limits still hold there.
bool memory_limit_enforced();

/// Runs `work` in a forked child limited by `limits` (CPU time, address space, wall clock, no
/// file writes, no core dump) and returns its result. The child writes the string `work`
/// returns to a pipe and leaves with _exit(); it never returns into the caller's code.
/// Outputs above 1 MiB are a failure.
ChildOutcome run_isolated(const std::function<std::string()>& work, const ChildLimits& limits);

}  // namespace sne::inspect
