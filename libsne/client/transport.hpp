// Internal: the transport an endpoint calls for, with its decorators: the embedded sandbox in
// process (when linked), or libcurl with retries and the --debug log. Shared by the SNE
// services and GLPI.
#pragma once

#include <memory>
#include <string>

#include "http/message.hpp"
#include "sne/service.hpp"

namespace sne::client {

struct TransportOptions {
  std::string base_url;  ///< for http(s): prefixed to every target
  std::string cacert;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds stall_timeout{30000};
  RetryPolicy retry;
  std::function<void(std::string_view)> debug_log;
};

/// The transport settings of a client's options (ServiceOptions, GlpiOptions): the same members
/// by the same names.
template <class Options>
TransportOptions transport_options(std::string base_url, const Options& o) {
  TransportOptions t;
  t.base_url = std::move(base_url);
  t.cacert = o.cacert;
  t.connect_timeout = o.connect_timeout;
  t.stall_timeout = o.stall_timeout;
  t.retry = o.retry;
  t.debug_log = o.debug_log;
  return t;
}

/// Opens the transport of the backend whose prefix starts `endpoint.canonical` (backends.hpp):
/// a libcurl transport to `options.base_url`, logged inside the retries so that every attempt
/// shows, or the embedded sandbox's database (creating its folder) when sne_sandbox is linked.
/// invalid_input (subject "endpoint") when no linked backend has that endpoint.
Result<std::unique_ptr<http::Transport>> open_transport(const EndpointInfo& endpoint,
                                                        const TransportOptions& options);

}  // namespace sne::client
