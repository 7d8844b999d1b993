// The table of backends by endpoint scheme, and what opens each.
#include <sys/stat.h>
#include <random>

#include <fmt/format.h>

#include "base/file.hpp"
#include "client/rest_service.hpp"
#include "client/transport.hpp"
#include "crypto/crypto.hpp"
#include "http/curl_transport.hpp"
#include "http/logging.hpp"
#include "http/retry.hpp"
#include "sandbox/embedded_transport.hpp"
#include "sne/text.hpp"
#include "sne/version.hpp"

namespace sne {

namespace {

Error bad_endpoint(std::string_view endpoint, std::string_view why) {
  return Error(ErrorCode::invalid_input,
               fmt::format("endpoint '{}': {}", printable(endpoint, 80), why), "endpoint");
}

Result<EndpointInfo> parse_sandbox(std::string_view rest, const Paths& paths) {
  EndpointInfo info;
  info.kind = EndpointInfo::Kind::embedded_sandbox;
  if (rest.empty()) {
    info.sandbox_path = paths.data_dir + "/sandbox.db";
  } else {
    if (rest.front() != ':') return bad_endpoint(rest, "expected sandbox or sandbox:PATH");
    rest.remove_prefix(1);
    if (rest.empty()) return bad_endpoint("sandbox:", "the path is empty");
    info.sandbox_path = std::string(rest);
    if (info.sandbox_path.front() != '/') {
      char* cwd = getcwd(nullptr, 0);
      if (cwd != nullptr) {
        info.sandbox_path = std::string(cwd) + "/" + info.sandbox_path;
        free(cwd);
      }
    }
  }
  info.canonical = "sandbox:" + info.sandbox_path;
  return info;
}

Result<EndpointInfo> parse_http(std::string_view endpoint) {
  const auto scheme_end = endpoint.find("://");
  std::string_view rest = endpoint.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) return bad_endpoint(endpoint, "no host");
  if (authority.find('@') != std::string_view::npos)
    return bad_endpoint(endpoint, "credentials do not belong in the endpoint");
  for (char c : endpoint)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#' || c == '\x7f')
      return bad_endpoint(endpoint, "spaces, queries and fragments are not allowed");
  if (endpoint.substr(0, 7) == "http://") {
    // Plain HTTP carries passwords and tokens in clear: only for a sandbox on this machine.
    std::string_view host = authority;
    if (host.front() == '[')
      host = host.substr(0, host.find(']') + 1);
    else
      host = host.substr(0, host.find(':'));
    if (host != "127.0.0.1" && host != "localhost" && host != "[::1]")
      return bad_endpoint(endpoint,
                          "plain http:// would send passwords and tokens in clear: it is for a "
                          "sandbox on this machine only (127.0.0.1, localhost, [::1]); use "
                          "https://");
  }
  EndpointInfo info;
  info.kind = EndpointInfo::Kind::http;
  std::string canonical(endpoint);
  while (!canonical.empty() && canonical.back() == '/') canonical.pop_back();
  info.canonical = canonical;
  return info;
}

/// The backends, by the way their endpoint starts.
struct Backend {
  std::string_view prefix;
  Result<EndpointInfo> (*parse)(std::string_view endpoint, const Paths& paths);
};

constexpr std::array kBackends{
    Backend{"sandbox",
            [](std::string_view e, const Paths& p) { return parse_sandbox(e.substr(7), p); }},
    Backend{"http://", [](std::string_view e, const Paths&) { return parse_http(e); }},
    Backend{"https://", [](std::string_view e, const Paths&) { return parse_http(e); }},
};

}  // namespace

Result<EndpointInfo> parse_endpoint(std::string_view endpoint, const Paths& paths) {
  for (const Backend& b : kBackends)
    if (endpoint.substr(0, b.prefix.size()) == b.prefix) return b.parse(endpoint, paths);
  return bad_endpoint(endpoint, "expected sandbox, sandbox:PATH, http://... or https://...");
}

namespace client {

Result<std::unique_ptr<http::Transport>> open_transport(const EndpointInfo& endpoint,
                                                        const TransportOptions& options) {
  std::unique_ptr<http::Transport> transport;
  if (endpoint.kind == EndpointInfo::Kind::embedded_sandbox) {
    const std::string& db = endpoint.sandbox_path;
    if (auto dir = file::make_private_dirs(db.substr(0, db.rfind('/'))); !dir) return dir.error();
    auto embedded = sandbox::make_embedded_transport(db);
    if (!embedded) return embedded.error();
    transport = std::move(*embedded);
    if (options.debug_log)
      transport =
          http::with_debug_log(std::move(transport), endpoint.canonical + " ", options.debug_log);
    return transport;
  }
  http::CurlOptions curl;
  curl.base_url = options.base_url;
  curl.cacert = options.cacert;
  curl.connect_timeout = options.connect_timeout;
  curl.stall_timeout = options.stall_timeout;
  curl.user_agent = fmt::format("libsne/{}", version());
  auto made = http::make_curl_transport(std::move(curl));
  if (!made) return made.error();
  transport = std::move(*made);
  // Logged inside the retries, so that every attempt shows.
  if (options.debug_log)
    transport = http::with_debug_log(std::move(transport), options.base_url, options.debug_log);
  return std::unique_ptr<http::Transport>(std::make_unique<http::RetryingTransport>(
      std::move(transport), options.retry, http::real_sleep,
      [] { return std::chrono::steady_clock::now(); }, std::random_device()()));
}

}  // namespace client

Result<std::unique_ptr<Service>> open_service(const ServiceOptions& options, const Paths& paths) {
  auto endpoint = parse_endpoint(options.endpoint, paths);
  if (!endpoint) return endpoint.error();
  auto transport =
      client::open_transport(*endpoint, client::transport_options(endpoint->canonical, options));
  if (!transport) return transport.error();
  return client::make_rest_service(std::move(*endpoint), std::move(*transport), options.token);
}

std::string new_idempotency_key() { return crypto::random_alnum(32); }

}  // namespace sne
