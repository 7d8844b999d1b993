// Internal: the table of backends by the way their endpoint starts. The network backends
// (http://, https://: libcurl with retries) are built in; a backend in another library (the
// embedded sandbox, in sne_sandbox) registers itself, so that libsne links none of its code.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/internal_export.hpp"
#include "client/transport.hpp"
#include "http/message.hpp"
#include "sne/service.hpp"

namespace sne::client {

/// One backend: what its endpoints start with, how such an endpoint is read, how its transport
/// is opened, and the demo identity it signs in as, if it has one.
struct Backend {
  /// "sandbox", "http://": an endpoint starting with it is this backend's.
  std::string_view prefix;
  /// Reads the whole endpoint (prefix included); `paths` gives default locations.
  /// invalid_input with subject "endpoint" when malformed.
  Result<EndpointInfo> (*parse)(std::string_view endpoint, const Paths& paths) = nullptr;
  /// Opens the transport of an endpoint that `parse` made, with the options that apply to it
  /// (the debug log at least).
  Result<std::unique_ptr<http::Transport>> (*open)(const EndpointInfo& endpoint,
                                                   const TransportOptions& options) = nullptr;
  /// Who to sign in as, for a backend with demo data (demo_sign_in()).
  std::optional<DemoSignIn> demo;
};

/// The error of a malformed endpoint: invalid_input, subject "endpoint", quoting it.
SNE_INTERNAL_EXPORT Error bad_endpoint(std::string_view endpoint, std::string_view why);

/// Adds `backend` to the table, or replaces the one with the same prefix: registering twice (a
/// static initializer and an explicit call) is harmless. Thread-safe.
SNE_INTERNAL_EXPORT void register_backend(Backend backend);

/// The backend whose prefix starts `endpoint` (a canonical endpoint, or one as typed); nullopt
/// when none is registered. Thread-safe.
std::optional<Backend> find_backend(std::string_view endpoint);

}  // namespace sne::client
