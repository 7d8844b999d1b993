// Internal: the sandbox as a function from HTTP request to HTTP response. The embedded
// transport calls it in process; the sandbox server calls it from its socket threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "sandbox/db.hpp"
#include "sandbox/faults.hpp"

namespace sne::sandbox {

/// An answer, and what the fault knobs (sandbox_faults) make of it.
struct Served {
  http::Response response;
  std::chrono::milliseconds delay{0};  ///< wait this long before answering, or dropping
  bool drop = false;                   ///< close the connection without answering
};

struct RouteInfo {
  std::string_view method;
  std::string_view pattern;
};

class Handler {
 public:
  /// Opens (creating and seeding it if needed) the database at `db_path`. Throws DbError or
  /// std::runtime_error; open() returns those as an Error.
  Handler(const std::string& db_path, std::size_t max_body);
  static Result<std::unique_ptr<Handler>> open(const std::string& db_path, std::size_t max_body);

  /// Answers one request: every failure is an HTTP answer with the contract's error object,
  /// and a refused request changes nothing. Targets under /apirest.php are the sandbox's GLPI
  /// (glpi.hpp), which answers in GLPI's shapes. Thread-safe: requests are served one at a
  /// time, except for the numériseur's inspections, which run without the lock (the request
  /// that found plis due waits for them; the others do not).
  http::Response handle(const http::Request& request);

  /// handle(), with the fault knobs of the database applied (sne/sandbox.hpp, SandboxFaults):
  /// read at each request, so that a change is seen at once; the random draws and the pace
  /// of pli creations are this handler's. The caller waits `delay` without holding anything
  /// of the handler, then answers or drops. Both faces (server.cpp, embedded_transport.cpp)
  /// call this; handle() is the sandbox without faults.
  Served serve(const http::Request& request);

  /// Every route served, in the order they are matched.
  static std::vector<RouteInfo> routes();

 private:
  std::mutex mutex_;  ///< guards db_ and numeriseur_claims_
  Db db_;
  std::set<std::string> numeriseur_claims_;  ///< plis being processed by some request
  std::size_t max_body_;
  faults::Dice dice_;  ///< the fault knobs' draws and pace of pli creations
};

/// The default limit of request bodies: a piece of 10 MB and room for its envelope.
inline constexpr std::size_t kDefaultMaxBody = std::size_t{16} << 20;
/// The largest piece accepted by POST /v1/uploads: 10 MiB, the catalog's default max_bytes
/// (DOMAIN.md: 10 MB per file).
inline constexpr std::size_t kMaxPieceBytes = std::size_t{10} << 20;

}  // namespace sne::sandbox
