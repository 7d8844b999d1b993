// Internal: the one implementation of sne::Service: the contract's requests over a Transport
// (libcurl, or the embedded sandbox in process).
#pragma once

#include <memory>

#include "http/message.hpp"
#include "sne/service.hpp"

namespace sne::client {

std::unique_ptr<Service> make_rest_service(EndpointInfo endpoint,
                                           std::unique_ptr<http::Transport> transport,
                                           std::string token);

/// The Error an HTTP answer of status >= 400 stands for: the contract's error object when the
/// body holds one, else a message made from the status.
Error error_from_response(const http::Response& response, std::string_view what);

}  // namespace sne::client
