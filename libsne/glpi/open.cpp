// Opening a GLPI client: its URL spelt out in full, the transport its endpoint calls for, the
// embedded sandbox's demo credentials when none are given.
#include <fmt/format.h>

#include "base/i18n.hpp"
#include "client/transport.hpp"
#include "glpi/client.hpp"
#include "sne/glpi.hpp"

namespace sne {

namespace {

/// The endpoint of a GLPI URL, and the URL in full.
Result<std::pair<EndpointInfo, std::string>> glpi_endpoint(std::string_view url,
                                                           const Paths& paths) {
  auto endpoint = parse_endpoint(url, paths);
  if (!endpoint) return Error(endpoint.error()).prefixed(i18n::format(N_("GLPI URL")));
  std::string full = endpoint->canonical;
  constexpr std::string_view kApi = "/apirest.php";
  if (endpoint->kind != EndpointInfo::Kind::embedded_sandbox &&
      (full.size() < kApi.size() ||
       full.compare(full.size() - kApi.size(), kApi.size(), kApi) != 0))
    full += kApi;
  return std::pair{std::move(*endpoint), std::move(full)};
}

}  // namespace

Result<std::string> glpi_canonical_url(std::string_view url, const Paths& paths) {
  auto e = glpi_endpoint(url, paths);
  if (!e) return e.error();
  return e->second;
}

Result<std::unique_ptr<Glpi>> open_glpi(const GlpiOptions& given, const Paths& paths) {
  GlpiOptions options = given;
  auto resolved = glpi_endpoint(options.url, paths);
  if (!resolved) return resolved.error();
  auto& [endpoint_info, url] = *resolved;
  const EndpointInfo* endpoint = &endpoint_info;
  std::string prefix;
  if (endpoint->kind == EndpointInfo::Kind::embedded_sandbox) {
    prefix = "/apirest.php";
    // The sandbox's GLPI needs no configuration: its demo agent, unless told otherwise.
    if (auto demo = demo_sign_in(*endpoint)) {
      if (options.app_token.empty()) options.app_token = demo->glpi_app_token;
      if (options.user_token.empty() && options.login.empty())
        options.user_token = demo->glpi_user_token;
    }
  }
  if (options.user_token.empty() && options.login.empty())
    return Error(ErrorCode::unauthenticated,
                 i18n::format(N_("no GLPI user token, nor login, for {}"), url), "glpi_user_token");
  auto transport = client::open_transport(*endpoint, client::transport_options(url, options));
  if (!transport) return transport.error();
  return glpi::make_client(url, std::move(prefix), std::move(*transport), std::move(options));
}

}  // namespace sne
