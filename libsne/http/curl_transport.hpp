// Internal: the Transport over libcurl. Every libcurl detail of libsne lives in
// curl_transport.cpp: timeouts, TLS verification, the extra CA, redirects refused. That file is
// the plugin `http` (base/plugin.hpp), loaded at the first exchange: the functions below are
// libsne's, and call the plugin's.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/internal_export.hpp"
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

/// The phase of an exchange that failed, as a probe tells it; `setup`: the HTTP client itself
/// could not start (its plugin cannot be loaded, libcurl refused a handle), nothing was tried.
enum class ProbePhase { none, dns, tcp, tls, http, setup };

/// What probe() asks: one GET of `url`, without retries.
struct ProbeOptions {
  std::string url;                          ///< "https://host[:port]/path"
  std::string cacert;                       ///< extra CA bundle, PEM; empty: the system's only
  std::chrono::milliseconds timeout{5000};  ///< of the whole exchange (connect included)
  bool verify = true;         ///< false: no peer or host check (to read a bad certificate)
  bool connect_only = false;  ///< stop once connected (TLS included): send nothing
  std::string user_agent = "libsne";
};

/// What one probe saw, phase by phase.
struct ProbeResult {
  ProbePhase failed = ProbePhase::none;  ///< where it stopped; none: an answer came
  std::string error;                     ///< libcurl's words for the failure, one line
  std::string address;                   ///< the IP address connected to, when known
  std::chrono::milliseconds dns{0}, tcp{0}, tls{0}, total{0};  ///< cumulative, as libcurl tells
  bool certificate_seen = false;                   ///< whether the server's certificate was read
  std::optional<Timestamp> not_before, not_after;  ///< the server's certificate's validity
  std::string subject, issuer;                     ///< of the server's certificate
  int status = 0;                                  ///< the HTTP status (0: none)
  Headers headers;
  std::string body;  ///< the first 64 KiB of the answer
};

/// One GET, its phases timed and its failure placed: name resolution, TCP connection, TLS
/// handshake (the server's certificate read with CURLOPT_CERTINFO) or the HTTP exchange. When
/// the plugin cannot be loaded: failed at `setup`, with the loader's reason.
ProbeResult probe(const ProbeOptions& options);

/// An OpenSSL certificate date as libcurl's CERTINFO writes it ("Nov 30 12:00:00 2026 GMT").
SNE_INTERNAL_EXPORT std::optional<Timestamp> parse_certificate_date(std::string_view text);

/// The error of reading the CA file (io, or invalid_input for a file too large or not regular)
/// when it cannot be read, with the subject "cacert"; libcurl is initialised once per process.
Result<std::unique_ptr<Transport>> make_curl_transport(CurlOptions options);

/// What the plugin `http` provides: make_curl_transport and probe, over libcurl.
struct CurlBackend {
  Result<std::unique_ptr<Transport>> (*make_transport)(CurlOptions options);
  ProbeResult (*probe)(const ProbeOptions& options);
};

/// Called by the plugin's static initialiser.
SNE_INTERNAL_EXPORT void provide_curl_backend(const CurlBackend& backend) noexcept;

}  // namespace sne::http
