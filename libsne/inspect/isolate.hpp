// Running untrusted parsing in a child process with limits, so that a parser's crash, endless
// loop or runaway allocation ends the child, not the caller. Internal to libsne.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/internal_export.hpp"

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

namespace sne::inspect {

/// A process forked once, early (before the caller starts threads), that serves requests with
/// `serve` in itself, under the limits a child of run_isolated has (address space, no file
/// writes, no core dump), the wall clock of each request enforced by the caller: a crash, a
/// timeout or a runaway allocation ends the server, not the caller, and is reported as
/// run_isolated reports it. Forking once per server instead of once per request is what makes
/// inspecting thousands of files affordable (a fork of a large multi-threaded caller cost more
/// than the parsing). One caller at a time per server. The server exits when its socket closes
/// (this object's destruction, or the caller's death); a dead server is started again by its
/// owner (see alive()).
class SNE_INTERNAL_EXPORT ForkServer {
 public:
  using Serve = std::function<std::string(std::string_view request)>;
  /// nullptr when the process cannot be forked.
  static std::unique_ptr<ForkServer> start(const Serve& serve, const ChildLimits& limits);
  ~ForkServer();
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;
  /// The answer to `request` within `wall` (kind finished, in output), or what ended the
  /// server (crashed, timed_out, out_of_memory; failed when it could not be reached). After
  /// anything but finished, the server is gone.
  ChildOutcome call(std::string_view request, std::chrono::milliseconds wall);
  bool alive() const noexcept { return fd_ >= 0; }
  /// Requests answered so far (an owner may start a fresh server after some).
  int served() const noexcept { return served_; }

 private:
  ForkServer(int fd, int pid) : fd_(fd), pid_(pid) {}
  void end(ChildOutcome& outcome, bool kill_it);
  int fd_;
  int pid_;
  int served_ = 0;
};

}  // namespace sne::inspect

namespace sne {
struct InspectOptions;
struct InspectReport;
}  // namespace sne

namespace sne::inspect {

/// A ForkServer that parses files (inspect_file_served) within `options`' memory limit: start
/// one per thread that inspects, before starting the threads.
SNE_INTERNAL_EXPORT std::unique_ptr<ForkServer> start_inspection_server(
    const InspectOptions& options);
/// inspect_file(), with the parsing child forked by `server` (nullptr: by this process).
SNE_INTERNAL_EXPORT InspectReport inspect_file_served(const std::string& path,
                                                      const InspectOptions& options,
                                                      ForkServer* server);

}  // namespace sne::inspect
