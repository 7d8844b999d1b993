// Connection: the endpoint, the CA file, the token and GLPI in force, after the precedence of
// flags, environment, configuration file and defaults, each resolved once.
#include "sne/connect.hpp"

#include <fmt/format.h>

#include "base/i18n.hpp"

#include "sne/glpi.hpp"

namespace sne {

Connection::Connection(ConnectOptions options) : options_(std::move(options)) {
  if (!options_.env) options_.env = process_env();
}

Connection::~Connection() = default;

std::optional<std::string> Connection::env(std::string_view name) const {
  return options_.env(name);
}

void Connection::note(Note::Level level, std::string text) const {
  if (options_.notes) options_.notes(Note{level, std::move(text)});
}

Result<const ActiveProfile*> Connection::profile() {
  if (!options_.profile) {
    auto active = select_profile(options_.profile_request, options_.env);
    if (!active) return active.error();
    options_.profile = std::move(*active);
    note(Note::Level::verbose,
         options_.profile->file_read
             ? i18n::format(N_("profile '{}' from {}"), options_.profile->profile.name(),
                            options_.profile->config_file)
             : i18n::format(N_("no configuration file at {}; defaults apply"),
                            options_.profile->config_file));
  }
  return &*options_.profile;
}

Result<const Paths*> Connection::paths() {
  if (!paths_) {
    auto p = resolve_paths(options_.env);
    if (!p) return p.error();
    paths_ = std::move(*p);
  }
  return &*paths_;
}

Result<std::pair<std::string, std::string>> Connection::setting(const std::string& given,
                                                                const std::string& given_origin,
                                                                const char* env_name,
                                                                const char* key,
                                                                bool origin_names_key) {
  if (!given.empty()) return std::make_pair(given, given_origin);
  if (env_name != nullptr)
    if (auto value = env(env_name); value && !value->empty())
      return std::make_pair(*value, std::string(env_name));
  auto in_force = profile();
  if (!in_force) return in_force.error();
  const std::string name = (*in_force)->profile.name();
  return std::make_pair((*in_force)->profile.get(key).value_or(""),
                        origin_names_key ? i18n::format(N_("profile '{}' {}"), name, key)
                                         : i18n::format(N_("profile '{}'"), name));
}

Result<EndpointInfo> Connection::endpoint() {
  if (endpoint_) return *endpoint_;
  auto p = paths();
  if (!p) return p.error();
  auto found =
      setting(options_.endpoint, options_.endpoint_origin, "SNE_ENDPOINT", "endpoint", false);
  if (!found) return found.error();
  auto [text, origin] = std::move(*found);
  if (text.empty()) {
    text = "sandbox";
    // TRANSLATORS: where a setting comes from, when nothing sets it.
    origin = i18n::format(N_("default"));
  }
  auto parsed = parse_endpoint(text, **p);
  if (!parsed) return Error(parsed.error()).prefixed(origin);
  endpoint_ = std::move(*parsed);
  if (endpoint_->kind == EndpointInfo::Kind::embedded_sandbox)
    note(Note::Level::info, i18n::format(N_("embedded sandbox {}: demo data, not the real SNE"),
                                         endpoint_->sandbox_path));
  else
    note(Note::Level::verbose,
         i18n::format(N_("endpoint {} ({})"), endpoint_->canonical, i18n::Nested{origin}));
  return *endpoint_;
}

Result<CredentialStore> Connection::credentials() {
  auto p = paths();
  if (!p) return p.error();
  return CredentialStore((*p)->config_dir + "/credentials");
}

Result<std::string> Connection::cacert() {
  auto found = setting(options_.cacert, "cacert", nullptr, "cacert", true);
  if (!found) return found.error();
  return found->first;
}

Result<std::unique_ptr<Service>> Connection::open(std::string token) {
  auto p = paths();
  if (!p) return p.error();
  auto ep = endpoint();
  if (!ep) return ep.error();
  ServiceOptions service_options;
  service_options.endpoint = ep->canonical;
  service_options.token = std::move(token);
  auto ca = cacert();
  if (!ca) return ca.error();
  service_options.cacert = *ca;
  service_options.debug_log = options_.debug_log;
  token_ = service_options.token;
  return open_service(service_options, **p);
}

Result<std::unique_ptr<Service>> Connection::another_service(
    const std::function<void(int, std::chrono::milliseconds)>& on_retry) {
  auto p = paths();
  if (!p) return p.error();
  if (!service_ || !endpoint_)
    return Error(ErrorCode::internal, "another_service() before service()");
  ServiceOptions service_options;
  service_options.endpoint = endpoint_->canonical;
  service_options.token = token_;
  auto ca = cacert();
  if (!ca) return ca.error();
  service_options.cacert = *ca;
  service_options.debug_log = options_.debug_log;
  service_options.retry.on_retry = on_retry;
  return open_service(service_options, **p);
}

Result<Service*> Connection::service(Auth auth) {
  if (service_) return service_.get();
  auto ep = endpoint();
  if (!ep) return ep.error();
  if (auth == Auth::anonymous) {
    auto opened = open({});
    if (!opened) return opened.error();
    service_ = std::move(*opened);
    return service_.get();
  }
  if (auto token = env("SNE_TOKEN"); token && !token->empty()) {
    note(Note::Level::verbose, i18n::format(N_("token from SNE_TOKEN")));
    auto opened = open(*token);
    if (!opened) return opened.error();
    service_ = std::move(*opened);
    token_source_ = TokenSource::environment;
    return service_.get();
  }
  auto store = credentials();
  if (!store) return store.error();
  auto stored = store->get(ep->canonical);
  if (!stored) return stored.error();
  const std::optional<DemoSignIn> demo = demo_sign_in(*ep);
  const bool signed_in = *stored && !(*stored)->token.empty();
  const bool demo_account = demo && *stored && demo->is_demo_account((*stored)->email);
  // A backend with demo data starts signed in as its demo account, and demo sessions reopen by
  // themselves (expired, or unknown to a database that was reset); an entry signed out on
  // purpose (empty token) is respected.
  const bool reopen_demo = demo && (!*stored || (demo_account && signed_in));
  if (signed_in && (*stored)->expires_at > std::chrono::system_clock::now()) {
    auto opened = open((*stored)->token);
    if (!opened) return opened.error();
    service_ = std::move(*opened);
    token_source_ = TokenSource::credentials;
    if (!reopen_demo) return service_.get();
    auto probe = service_->me();
    if (probe || probe.error().code() != ErrorCode::unauthenticated) return service_.get();
    service_.reset();
    token_source_ = TokenSource::none;
  } else if (!reopen_demo) {
    // Signing in will not help if the endpoint does not answer: an unreachable or failing
    // service is said as such (a temporary failure), not hidden behind "not signed in". The
    // probe is a request without a token, which a service that answers refuses with 401.
    if (auto anonymous = open({}); anonymous) {
      auto probe = (*anonymous)->me();
      if (!probe && probe.error().code() != ErrorCode::unauthenticated &&
          probe.error().code() != ErrorCode::forbidden)
        return probe.error();
    }
    return Error(ErrorCode::unauthenticated,
                 signed_in ? i18n::format(N_("the session of {} on {} has expired"),
                                          (*stored)->email, ep->canonical)
                           : i18n::format(N_("not signed in to {}"), ep->canonical),
                 "Authorization");
  }
  const std::string email = *stored ? (*stored)->email : demo->email;
  auto opened = open({});
  if (!opened) return opened.error();
  auto session = (*opened)->login(email, demo->password);
  if (!session) return session.error();
  if (auto saved = store->put(ep->canonical, {session->token, email, session->expires_at}); !saved)
    return saved.error();
  note(Note::Level::info, i18n::format(N_("signed in to the sandbox as {}"), email));
  (*opened)->set_token(session->token);
  token_ = session->token;
  service_ = std::move(*opened);
  token_source_ = TokenSource::credentials;
  return service_.get();
}

Result<std::string> Connection::glpi_url() {
  if (glpi_url_) return *glpi_url_;
  auto p = paths();
  if (!p) return p.error();
  auto found = setting({}, {}, "SNE_GLPI_URL", "glpi_url", true);
  if (!found) return found.error();
  auto [text, origin] = std::move(*found);
  if (text.empty()) {
    auto ep = endpoint();
    if (!ep) return ep.error();
    if (ep->kind != EndpointInfo::Kind::embedded_sandbox)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("no GLPI for {}: neither SNE_GLPI_URL nor the profile's "
                                   "glpi_url is set"),
                                ep->canonical),
                   "glpi_url");
    text = ep->canonical;
    origin = i18n::format(N_("the embedded sandbox"));
  }
  auto url = glpi_canonical_url(text, **p);
  if (!url) return Error(url.error()).prefixed(origin);
  glpi_url_ = *url;
  if (url->rfind("sandbox:", 0) == 0)
    note(Note::Level::info,
         i18n::format(N_("the sandbox's GLPI: demo tickets, not the SNE's support desk")));
  else
    note(Note::Level::verbose, i18n::format(N_("GLPI {} ({})"), *url, i18n::Nested{origin}));
  return *glpi_url_;
}

Result<std::unique_ptr<Glpi>> Connection::open_glpi(const std::string& url, std::string app_token,
                                                    std::string user_token) {
  auto p = paths();
  if (!p) return p.error();
  GlpiOptions glpi_options;
  glpi_options.url = url;
  glpi_options.app_token = std::move(app_token);
  glpi_options.user_token = std::move(user_token);
  auto ca = cacert();
  if (!ca) return ca.error();
  glpi_options.cacert = *ca;
  glpi_options.debug_log = options_.debug_log;
  return sne::open_glpi(glpi_options, **p);
}

Result<Glpi*> Connection::glpi() {
  if (glpi_) return glpi_.get();
  auto url = glpi_url();
  if (!url) return url.error();
  std::string app = env("SNE_GLPI_APP_TOKEN").value_or("");
  std::string user = env("SNE_GLPI_USER_TOKEN").value_or("");
  if (app.empty() || user.empty()) {
    auto store = credentials();
    if (!store) return store.error();
    auto stored = store->get(glpi_key(*url));
    if (!stored) return stored.error();
    if (*stored) {
      if (app.empty()) app = (*stored)->app_token;
      if (user.empty()) user = (*stored)->token;
    }
  }
  note(Note::Level::verbose, env("SNE_GLPI_USER_TOKEN")
                                 ? i18n::format(N_("GLPI tokens from {}"), "SNE_GLPI_USER_TOKEN")
                                 : i18n::format(N_("GLPI tokens from the credentials store")));
  auto opened = open_glpi(*url, std::move(app), std::move(user));
  if (!opened) return opened.error();
  glpi_ = std::move(*opened);
  return glpi_.get();
}

}  // namespace sne
