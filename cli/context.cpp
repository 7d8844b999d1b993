#include "context.hpp"

#include <array>

#include <fmt/format.h>

#include <sne/glpi.hpp>
#include <sne/sandbox.hpp>

namespace sne::cli {

Context::Context() = default;
Context::~Context() = default;

Result<const ActiveProfile*> Context::profile() {
  if (!profile_) {
    auto active = select_profile({global.config_file, global.profile}, process_env());
    if (!active) return active.error();
    profile_ = std::move(*active);
    if (verbose())
      out().note(
          profile_->file_read
              ? fmt::format("profile '{}' from {}", profile_->profile.name(), profile_->config_file)
              : fmt::format("no configuration file at {}; defaults apply", profile_->config_file));
  }
  return &*profile_;
}

Result<std::shared_ptr<const Catalog>> Context::catalog(const std::string& flag_path) {
  std::string path = flag_path;
  if (path.empty()) {
    auto p = profile();
    if (!p) return p.error();
    path = (*p)->profile.get("catalog").value_or("");
  }
  if (path.empty()) {
    // The built-in catalog lives as long as the program; share it without owning it.
    return std::shared_ptr<const Catalog>(&Catalog::builtin(), [](const Catalog*) {});
  }
  auto loaded = Catalog::load_file(path);
  if (!loaded) return loaded.error();
  if (verbose())
    out().note(fmt::format("catalog {} from {} ({} types)", loaded->version(), path,
                           loaded->type_count()));
  return std::shared_ptr<const Catalog>(std::make_shared<Catalog>(std::move(*loaded)));
}

Result<const Territoire*> Context::departement(const std::string& flag) {
  std::string text = flag;
  if (text.empty()) {
    auto p = profile();
    if (!p) return p.error();
    text = (*p)->profile.get("departement").value_or("");
    if (text.empty()) return static_cast<const Territoire*>(nullptr);
  }
  return parse_departement(text);
}

Result<const Paths*> Context::paths() {
  if (!paths_) {
    auto p = resolve_paths(process_env());
    if (!p) return p.error();
    paths_ = std::move(*p);
  }
  return &*paths_;
}

Result<EndpointInfo> Context::endpoint() {
  if (endpoint_) return *endpoint_;
  auto p = paths();
  if (!p) return p.error();
  std::string text = global.endpoint, origin = "--endpoint";
  if (text.empty()) {
    text = process_env()("SNE_ENDPOINT").value_or("");
    origin = "SNE_ENDPOINT";
  }
  if (text.empty()) {
    auto profile_in_force = profile();
    if (!profile_in_force) return profile_in_force.error();
    text = (*profile_in_force)->profile.get("endpoint").value_or("");
    origin = fmt::format("profile '{}'", (*profile_in_force)->profile.name());
  }
  if (text.empty()) {
    text = "sandbox";
    origin = "default";
  }
  auto parsed = parse_endpoint(text, **p);
  if (!parsed) return Error(parsed.error()).prefixed(origin);
  endpoint_ = std::move(*parsed);
  if (endpoint_->kind == EndpointInfo::Kind::embedded_sandbox && !out().json())
    out().note(
        fmt::format("embedded sandbox {}: demo data, not the real SNE", endpoint_->sandbox_path));
  else if (verbose())
    out().note(fmt::format("endpoint {} ({})", endpoint_->canonical, origin));
  return *endpoint_;
}

Result<CredentialStore> Context::credentials() {
  auto p = paths();
  if (!p) return p.error();
  return CredentialStore((*p)->config_dir + "/credentials");
}

Result<std::string> Context::cacert_in_force() {
  if (!global.cacert.empty()) return global.cacert;
  auto profile_in_force = profile();
  if (!profile_in_force) return profile_in_force.error();
  return (*profile_in_force)->profile.get("cacert").value_or("");
}

std::function<void(std::string_view)> Context::debug_log() const {
  if (!global.debug) return {};
  return [](std::string_view line) { fmt::print(stderr, "sne: debug: {}\n", one_line(line)); };
}

Result<std::unique_ptr<Service>> Context::open(const EndpointInfo& endpoint, std::string token) {
  auto p = paths();
  if (!p) return p.error();
  ServiceOptions options;
  options.endpoint = endpoint.canonical;
  options.token = std::move(token);
  auto cacert = cacert_in_force();
  if (!cacert) return cacert.error();
  options.cacert = *cacert;
  options.debug_log = debug_log();
  token_ = options.token;
  return open_service(options, **p);
}

Result<std::unique_ptr<Service>> Context::another_service(
    const std::function<void(int, std::chrono::milliseconds)>& on_retry) {
  auto p = paths();
  if (!p) return p.error();
  if (!service_ || !endpoint_)
    return Error(ErrorCode::internal, "another_service() before service()");
  ServiceOptions options;
  options.endpoint = endpoint_->canonical;
  options.token = token_;
  auto cacert = cacert_in_force();
  if (!cacert) return cacert.error();
  options.cacert = *cacert;
  options.debug_log = debug_log();
  options.retry.on_retry = on_retry;
  return open_service(options, **p);
}

Result<Service*> Context::service(Auth auth) {
  if (service_) return service_.get();
  auto ep = endpoint();
  if (!ep) return ep.error();
  if (auth == Auth::anonymous) {
    auto opened = open(*ep, {});
    if (!opened) return opened.error();
    service_ = std::move(*opened);
    return service_.get();
  }
  if (auto env = process_env()("SNE_TOKEN"); env && !env->empty()) {
    if (verbose()) out().note("token from SNE_TOKEN");
    auto opened = open(*ep, *env);
    if (!opened) return opened.error();
    service_ = std::move(*opened);
    return service_.get();
  }
  auto store = credentials();
  if (!store) return store.error();
  auto stored = store->get(ep->canonical);
  if (!stored) return stored.error();
  const bool sandbox = ep->kind == EndpointInfo::Kind::embedded_sandbox;
  const bool signed_in = *stored && !(*stored)->token.empty();
  bool demo = false;
  for (const char* e : {kSandboxAgent, kSandboxReferent, kSandboxMulti})
    demo = demo || (*stored && (*stored)->email == e);
  // The embedded sandbox starts signed in as the demo agent, and demo sessions reopen by
  // themselves (expired, or unknown to a database that was reset); a deliberate
  // 'sne auth logout' is respected.
  const bool reopen_demo = sandbox && (!*stored || (demo && signed_in));
  if (signed_in && (*stored)->expires_at > std::chrono::system_clock::now()) {
    auto opened = open(*ep, (*stored)->token);
    if (!opened) return opened.error();
    service_ = std::move(*opened);
    if (!reopen_demo) return service_.get();
    auto probe = service_->me();
    if (probe || probe.error().code() != ErrorCode::unauthenticated) return service_.get();
  } else if (!reopen_demo) {
    return Error(ErrorCode::unauthenticated,
                 signed_in ? fmt::format("the session of {} on {} has expired", (*stored)->email,
                                         ep->canonical)
                           : fmt::format("not signed in to {}", ep->canonical),
                 "Authorization");
  }
  const std::string email = *stored ? (*stored)->email : kSandboxAgent;
  auto opened = open(*ep, {});
  if (!opened) return opened.error();
  service_ = std::move(*opened);
  auto session = service_->login(email, kSandboxPassword);
  if (!session) return session.error();
  if (auto saved = store->put(ep->canonical, {session->token, email, session->expires_at}); !saved)
    return saved.error();
  if (!out().json()) out().note(fmt::format("signed in to the sandbox as {}", email));
  service_->set_token(session->token);
  token_ = session->token;
  return service_.get();
}

Result<std::string> Context::glpi_url() {
  if (glpi_url_) return *glpi_url_;
  auto p = paths();
  if (!p) return p.error();
  std::string text = process_env()("SNE_GLPI_URL").value_or(""), origin = "SNE_GLPI_URL";
  if (text.empty()) {
    auto profile_in_force = profile();
    if (!profile_in_force) return profile_in_force.error();
    text = (*profile_in_force)->profile.get("glpi_url").value_or("");
    origin = fmt::format("profile '{}' glpi_url", (*profile_in_force)->profile.name());
  }
  if (text.empty()) {
    auto ep = endpoint();
    if (!ep) return ep.error();
    if (ep->kind != EndpointInfo::Kind::embedded_sandbox)
      return Error(ErrorCode::invalid_input,
                   fmt::format("no GLPI for {}: set SNE_GLPI_URL or the profile's glpi_url "
                               "('sne config set glpi_url https://HOST/PATH/apirest.php')",
                               ep->canonical),
                   "glpi_url");
    text = ep->canonical;
    origin = "the embedded sandbox";
  }
  auto url = glpi_canonical_url(text, **p);
  if (!url) return Error(url.error()).prefixed(origin);
  glpi_url_ = *url;
  if (url->rfind("sandbox:", 0) == 0) {
    if (!out().json())
      out().note(fmt::format("the sandbox's GLPI: demo tickets, not the SNE's support desk"));
  } else if (verbose()) {
    out().note(fmt::format("GLPI {} ({})", *url, origin));
  }
  return *glpi_url_;
}

Result<std::unique_ptr<Glpi>> Context::open_glpi_with(const std::string& url, std::string app_token,
                                                      std::string user_token) {
  auto p = paths();
  if (!p) return p.error();
  GlpiOptions options;
  options.url = url;
  options.app_token = std::move(app_token);
  options.user_token = std::move(user_token);
  auto cacert = cacert_in_force();
  if (!cacert) return cacert.error();
  options.cacert = *cacert;
  options.debug_log = debug_log();
  return open_glpi(options, **p);
}

Result<Glpi*> Context::glpi() {
  if (glpi_) return glpi_.get();
  auto url = glpi_url();
  if (!url) return url.error();
  std::string app = process_env()("SNE_GLPI_APP_TOKEN").value_or("");
  std::string user = process_env()("SNE_GLPI_USER_TOKEN").value_or("");
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
  if (verbose())
    out().note(fmt::format("GLPI tokens from {}", process_env()("SNE_GLPI_USER_TOKEN")
                                                      ? "SNE_GLPI_USER_TOKEN"
                                                      : "the credentials store"));
  auto opened = open_glpi_with(*url, std::move(app), std::move(user));
  if (!opened) return opened.error();
  glpi_ = std::move(*opened);
  return glpi_.get();
}

}  // namespace sne::cli
