// Internal: the Transport over libcurl. Every libcurl detail of libsne lives in
// curl_transport.cpp: timeouts, TLS verification, the extra CA, redirects refused.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sne::http {

struct CurlOptions {
  std::string base_url;  ///< "https://host[:port][/prefix]", no trailing slash
  std::string cacert;    ///< extra CA bundle, PEM; empty: the system's only
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds stall_timeout{30000};  ///< below 1 byte/s for this long: abandon
  std::size_t max_response = 64u << 20;            ///< bigger answers are abandoned
  std::string user_agent;
};

/// The error of reading the CA file (io, or invalid_input for a file too large or not regular)
/// when it cannot be read, with the subject "cacert"; libcurl is initialised once per process.
Result<std::unique_ptr<Transport>> make_curl_transport(CurlOptions options);

}  // namespace sne::http
