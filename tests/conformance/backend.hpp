// The backend a conformance run speaks to, chosen by SNE_CONFORMANCE_BACKEND:
//   embedded  the sandbox in process (endpoint sandbox:PATH)
//   http      `sne sandbox serve` started here on a free loopback port, through libcurl
// Each Backend owns a fresh sandbox database in a temporary folder.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "http/message.hpp"
#include "sne/service.hpp"

namespace conformance {

class Backend {
 public:
  Backend();
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  bool http() const noexcept { return server_ != 0; }
  const std::string& db() const noexcept { return db_; }
  const std::string& endpoint() const noexcept { return endpoint_; }

  /// A client with `token` (empty: anonymous); retries off, so that failures show at once.
  std::unique_ptr<sne::Service> service(std::string token = {}) const;
  /// A client signed in as `email` (password "sandbox" for the demo identities).
  std::unique_ptr<sne::Service> signed_in(const std::string& email,
                                          const std::string& password = "sandbox") const;
  /// Raw HTTP to the same backend, for what the typed client cannot send (bad JSON...).
  std::unique_ptr<sne::http::Transport> raw() const;

 private:
  std::string dir_;
  std::string db_;
  std::string endpoint_;
  pid_t server_ = 0;
};

}  // namespace conformance
