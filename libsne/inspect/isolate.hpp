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

/// A small process forked once, early (before the caller starts threads), that serves requests
/// with `serve`, which runs in it and may fork children of its own: forking from this small,
/// single-threaded process costs a fraction of a fork of a large multi-threaded one (no page
/// tables of a big heap to copy, no copy-on-write faults in the caller's busy threads). One
/// caller at a time per server. The server exits when its socket closes (this object's
/// destruction, or the caller's death).
class ForkServer {
 public:
  using Serve = std::function<std::string(std::string_view request)>;
  /// nullptr when the process cannot be forked.
  static std::unique_ptr<ForkServer> start(const Serve& serve);
  ~ForkServer();
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;
  /// The answer to `request`; nullopt when the server is gone (then it is not used again).
  std::optional<std::string> call(std::string_view request);

 private:
  ForkServer(int fd, int pid) : fd_(fd), pid_(pid) {}
  int fd_;
  int pid_;
};

}  // namespace sne::inspect

namespace sne {
struct InspectOptions;
struct InspectReport;
}  // namespace sne

namespace sne::inspect {

/// A ForkServer that parses files (inspect_file_served): start one per thread that inspects,
/// before starting the threads.
std::unique_ptr<ForkServer> start_inspection_server();
/// inspect_file(), with the parsing child forked by `server` (nullptr: by this process).
InspectReport inspect_file_served(const std::string& path, const InspectOptions& options,
                                  ForkServer* server);

}  // namespace sne::inspect
