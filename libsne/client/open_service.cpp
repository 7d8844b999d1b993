// The table of backends by endpoint scheme, and what opens each.
#include <mutex>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "client/backends.hpp"
#include "client/rest_service.hpp"
#include "client/transport.hpp"
#include "crypto/crypto.hpp"
#include "http/curl_transport.hpp"
#include "http/logging.hpp"
#include "http/retry.hpp"
#include "sne/text.hpp"
#include "sne/version.hpp"

namespace sne {

namespace {

using client::bad_endpoint;

Result<EndpointInfo> parse_http(std::string_view endpoint) {
  const auto scheme_end = endpoint.find("://");
  std::string_view rest = endpoint.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) return bad_endpoint(endpoint, i18n::format(N_("no host")));
  if (authority.find('@') != std::string_view::npos)
    return bad_endpoint(endpoint, i18n::format(N_("credentials do not belong in the endpoint")));
  for (char c : endpoint)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#' || c == '\x7f')
      return bad_endpoint(endpoint,
                          i18n::format(N_("spaces, queries and fragments are not allowed")));
  if (endpoint.substr(0, 7) == "http://") {
    // Plain HTTP carries passwords and tokens in clear: only for a sandbox on this machine.
    std::string_view host = authority;
    if (host.front() == '[')
      host = host.substr(0, host.find(']') + 1);
    else
      host = host.substr(0, host.find(':'));
    if (host != "127.0.0.1" && host != "localhost" && host != "[::1]")
      return bad_endpoint(endpoint,
                          i18n::format(N_("plain http:// would send passwords and tokens in "
                                          "clear: it is for a sandbox on this machine only "
                                          "(127.0.0.1, localhost, [::1]); use https://")));
  }
  EndpointInfo info;
  info.kind = EndpointInfo::Kind::http;
  std::string canonical(endpoint);
  while (!canonical.empty() && canonical.back() == '/') canonical.pop_back();
  info.canonical = canonical;
  return info;
}

/// Opens libcurl to `options.base_url`, logged inside the retries so that every attempt shows.
Result<std::unique_ptr<http::Transport>> open_curl(const EndpointInfo&,
                                                   const client::TransportOptions& options) {
  http::CurlOptions curl;
  curl.base_url = options.base_url;
  curl.cacert = options.cacert;
  curl.connect_timeout = options.connect_timeout;
  curl.stall_timeout = options.stall_timeout;
  curl.user_agent = fmt::format("libsne/{}", version());
  auto made = http::make_curl_transport(std::move(curl));
  if (!made) return made.error();
  std::unique_ptr<http::Transport> transport = std::move(*made);
  // Logged inside the retries, so that every attempt shows.
  if (options.debug_log)
    transport = http::with_debug_log(std::move(transport), options.base_url, options.debug_log);
  return std::unique_ptr<http::Transport>(std::make_unique<http::RetryingTransport>(
      std::move(transport), options.retry, http::real_sleep,
      [] { return std::chrono::steady_clock::now(); }, std::random_device()()));
}

Result<EndpointInfo> parse_network(std::string_view endpoint, const Paths&) {
  return parse_http(endpoint);
}

/// The table, with the network backends built in; other libraries add theirs.
struct Registry {
  std::mutex mutex;
  std::vector<client::Backend> backends{
      client::Backend{"http://", parse_network, open_curl, std::nullopt},
      client::Backend{"https://", parse_network, open_curl, std::nullopt},
  };
};

Registry& registry() {
  static Registry r;
  return r;
}

/// The embedded sandbox's endpoints, known by name so that a program without it says why.
constexpr std::string_view kSandboxPrefix = "sandbox";

}  // namespace

Result<EndpointInfo> parse_endpoint(std::string_view endpoint, const Paths& paths) {
  if (auto backend = client::find_backend(endpoint)) return backend->parse(endpoint, paths);
  if (endpoint.substr(0, kSandboxPrefix.size()) == kSandboxPrefix)
    return bad_endpoint(endpoint,
                        i18n::format(N_("the embedded sandbox is not part of this program: link "
                                        "sne::sandbox (libsne_sandbox.so) and call "
                                        "sne::register_embedded_sandbox()")));
  return bad_endpoint(endpoint, i18n::format(N_("expected sandbox, sandbox:PATH, http://... or "
                                                "https://...")));
}

std::optional<DemoSignIn> demo_sign_in(const EndpointInfo& endpoint) {
  auto backend = client::find_backend(endpoint.canonical);
  if (!backend) return std::nullopt;
  return backend->demo;
}

namespace client {

Error bad_endpoint(std::string_view endpoint, std::string_view why) {
  return Error(ErrorCode::invalid_input,
               i18n::format(N_("endpoint '{}': {}"), printable(endpoint, 80), i18n::Nested{why}),
               "endpoint");
}

void register_backend(Backend backend) {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  for (Backend& b : r.backends)
    if (b.prefix == backend.prefix) {
      b = std::move(backend);
      return;
    }
  r.backends.push_back(std::move(backend));
}

std::optional<Backend> find_backend(std::string_view endpoint) {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  for (const Backend& b : r.backends)
    if (endpoint.substr(0, b.prefix.size()) == b.prefix) return b;
  return std::nullopt;
}

Result<std::unique_ptr<http::Transport>> open_transport(const EndpointInfo& endpoint,
                                                        const TransportOptions& options) {
  auto backend = find_backend(endpoint.canonical);
  if (!backend) return parse_endpoint(endpoint.canonical, Paths{}).error();
  return backend->open(endpoint, options);
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
