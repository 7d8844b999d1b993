// The checks of sne/doctor.hpp: each setting a Connection resolves, tried one step at a time, so
// that a failure names its step (the file, the name, the port, the certificate, the answer, the
// clock, the session) instead of the first request's error.
#include "sne/doctor.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "client/transport.hpp"
#include "http/curl_transport.hpp"
#include "http/message.hpp"
#include "sne/catalog.hpp"
#include "sne/credentials.hpp"
#include "sne/glpi.hpp"
#include "sne/service.hpp"
#include "sne/text.hpp"

namespace sne {

std::string_view to_string(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::passed: return "passed";
    case CheckStatus::failed: return "failed";
    case CheckStatus::skipped: return "skipped";
    case CheckStatus::warning: return "warning";
  }
  return "failed";
}

const DoctorCheck* DoctorReport::first_failure() const noexcept {
  for (const auto& check : checks)
    if (check.status == CheckStatus::failed) return &check;
  return nullptr;
}

CheckStatus classify_skew(std::chrono::seconds skew, const DoctorOptions& options) {
  const auto size = skew < std::chrono::seconds(0) ? -skew : skew;
  if (size >= options.skew_failure) return CheckStatus::failed;
  if (size >= options.skew_warning) return CheckStatus::warning;
  return CheckStatus::passed;
}

CheckStatus classify_expiry(Timestamp expires, Timestamp now, std::chrono::seconds warn_within) {
  if (expires <= now) return CheckStatus::failed;
  if (expires - now <= warn_within) return CheckStatus::warning;
  return CheckStatus::passed;
}

Json to_json(const DoctorCheck& check) {
  Json error;
  if (check.error) {
    error = Json::object();
    error.set("code", to_string(check.error->code()));
    error.set("message", check.error->message());
    error.set("subject", check.error->subject().empty() ? Json() : Json(check.error->subject()));
  }
  Json out = Json::object();
  out.set("name", check.name);
  out.set("status", to_string(check.status));
  out.set("detail", check.detail);
  out.set("hint", check.hint.empty() ? Json() : Json(check.hint));
  out.set("error", std::move(error));
  return out;
}

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

/// "3 s", "4 min", "2 h", "5 days": a rounded length for a human.
std::string roughly(seconds d) {
  constexpr long long kMinute = 60;
  constexpr long long kHour = 3600;
  constexpr long long kDay = 86400;
  const long long s = std::llabs(d.count());
  if (s < 2 * kMinute) return fmt::format("{} s", s);
  if (s < 2 * kHour) return fmt::format("{} min", s / kMinute);
  if (s < 2 * kDay) return fmt::format("{} h", s / kHour);
  return i18n::format(N_("{} days"), s / kDay);
}

/// The host of "https://host[:port]/...": what name resolution is asked for.
std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::string rest = url.substr(start, url.find('/', start) - start);
  if (!rest.empty() && rest.front() == '[') return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, rest.find(':'));
}

/// What a service that speaks the contract answers an anonymous GET /v1/me: 401 with the
/// contract's error object (JSON, with a code).
bool speaks_the_contract(int status, const http::Headers& headers, const std::string& body) {
  const std::string type = http::header(headers, "Content-Type").value_or("");
  if (type.rfind("application/json", 0) != 0) return false;
  if (status == 401 || status == 403)
    return body.find("\"error\"") != std::string::npos &&
           body.find("\"code\"") != std::string::npos;
  return status == 200;
}

class Doctor {
 public:
  Doctor(Connection& connection, const DoctorOptions& options)
      : connection_(connection), options_(options) {
    if (!options_.env) options_.env = process_env();
    if (!options_.now) options_.now = [] { return std::chrono::system_clock::now(); };
  }

  DoctorReport run() {
    const bool config_ok = config();
    std::optional<EndpointInfo> ep;
    if (config_ok)
      ep = endpoint();
    else
      skip("endpoint", i18n::format(N_("the configuration could not be read")));
    const bool embedded = ep && ep->kind == EndpointInfo::Kind::embedded_sandbox;
    bool usable = ep.has_value();
    if (!ep)
      skip("sandbox", i18n::format(N_("no endpoint in force")));
    else if (embedded)
      usable = sandbox(ep->sandbox_path);
    else
      skip("sandbox", i18n::format(N_("the endpoint is not the embedded sandbox")));
    bool reachable = false;
    if (!ep) {
      for (const char* name : {"dns", "tcp", "tls", "service", "clock"})
        skip(name, i18n::format(N_("no endpoint in force")));
    } else if (embedded) {
      for (const char* name : {"dns", "tcp", "tls"})
        skip(name, i18n::format(N_("the embedded sandbox is in process")));
      if (usable)
        reachable = embedded_service(*ep);
      else
        for (const char* name : {"service", "clock"})
          skip(name, i18n::format(N_("the sandbox's database is damaged")));
    } else {
      reachable = network(*ep);
    }
    const auto store = credentials();
    token(ep, reachable, store);
    if (config_ok)
      glpi();
    else
      skip("glpi", i18n::format(N_("the configuration could not be read")));
    if (config_ok)
      catalog();
    else
      skip("catalog", i18n::format(N_("the configuration could not be read")));
    return std::move(report_);
  }

 private:
  void add(DoctorCheck check) {
    if (options_.on_check) options_.on_check(check);
    report_.checks.push_back(std::move(check));
  }
  void pass(std::string name, std::string detail) {
    add({std::move(name), CheckStatus::passed, std::move(detail)});
  }
  void skip(std::string name, std::string why) {
    add({std::move(name), CheckStatus::skipped, std::move(why)});
  }
  void warn(std::string name, std::string detail, std::string hint) {
    add({std::move(name), CheckStatus::warning, std::move(detail), std::move(hint)});
  }
  void fail(std::string name, const Error& error, std::string hint, std::string detail = {}) {
    if (detail.empty()) detail = error.message();
    add({std::move(name), CheckStatus::failed, std::move(detail), std::move(hint), error});
  }
  Timestamp now() const { return options_.now(); }

  bool config() {
    auto profile = connection_.profile();
    if (!profile) {
      fail("config", profile.error(),
           i18n::format(N_(
               "correct the configuration file where the message says, or name another profile")));
      return false;
    }
    const ActiveProfile& active = **profile;
    if (active.file_read)
      pass("config",
           i18n::format(N_("{}, profile \"{}\""), active.config_file, active.profile.name()));
    else
      pass("config", i18n::format(N_("no file at {}: defaults apply, profile \"{}\""),
                                  i18n::Nested{active.config_file.empty()
                                                   ? i18n::format(N_("the default place"))
                                                   : active.config_file},
                                  active.profile.name()));
    return true;
  }

  std::optional<EndpointInfo> endpoint() {
    auto ep = connection_.endpoint();
    if (!ep) {
      fail("endpoint", ep.error(),
           i18n::format(
               N_("give an endpoint such as https://HOST, or 'sandbox' for the embedded sandbox")));
      return std::nullopt;
    }
    if (ep->kind == EndpointInfo::Kind::embedded_sandbox)
      pass("endpoint", i18n::format(N_("embedded sandbox at {}: demo data, not the real SNE"),
                                    ep->sandbox_path));
    else
      pass("endpoint", ep->canonical);
    return *ep;
  }

  bool sandbox(const std::string& path) {
    if (!options_.sandbox_integrity) {
      skip("sandbox",
           i18n::format(N_("this program cannot check the embedded sandbox's database")));
      return true;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      skip("sandbox", i18n::format(N_("no database at {} yet: it is made at first use"), path));
      return true;
    }
    auto checked = options_.sandbox_integrity(path);
    if (!checked) {
      fail("sandbox", checked.error(),
           i18n::format(
               N_("the sandbox's demo data can be made anew by resetting it; move the damaged file "
                  "away first to keep it")));
      return false;
    }
    pass("sandbox", *checked);
    return true;
  }

  /// The service's answer to an anonymous GET /v1/me, then the clock of its Date header.
  bool judge_answer(const std::string& where, int status, const http::Headers& headers,
                    const std::string& body, std::chrono::milliseconds took) {
    const std::string type = http::header(headers, "Content-Type").value_or("none");
    if (!speaks_the_contract(status, headers, body)) {
      Error error(
          ErrorCode::server,
          i18n::format(N_("{} answers GET /v1/me with HTTP {} ({}): not the SNE web services"),
                       where, status, printable(type, 60)),
          "endpoint");
      error.with_http(status);
      fail("service", error,
           error.retryable() || status == 429
               ? i18n::format(N_("the service fails for now: try again later, and tell its "
                                 "operator if it lasts"))
               : i18n::format(
                     N_("the endpoint must be the base address of the SNE web services (the part "
                        "before /v1)")));
      skip("clock", i18n::format(N_("the service did not answer as the SNE does")));
      return false;
    }
    pass("service", i18n::format(N_("{} answers GET /v1/me with HTTP {}, as the SNE does ({} ms)"),
                                 where, status, took.count()));
    clock(http::header(headers, "Date"));
    return true;
  }

  void clock(const std::optional<std::string>& date) {
    if (!date) {
      skip("clock", i18n::format(N_("the service's answer has no Date header")));
      return;
    }
    const auto theirs = http::parse_http_date(*date);
    if (!theirs) {
      skip("clock", i18n::format(N_("the service's Date header is not an HTTP date: {}"),
                                 printable(*date, 40)));
      return;
    }
    const auto skew = duration_cast<seconds>(*theirs - now());
    const std::string detail =
        skew.count() == 0
            ? i18n::format(N_("this machine's clock agrees with the service's (Date: {})"), *date)
        : skew.count() > 0
            ? i18n::format(N_("the service's clock is {} ahead of this machine's (Date: {})"),
                           i18n::Nested{roughly(skew)}, *date)
            : i18n::format(N_("the service's clock is {} behind this machine's (Date: {})"),
                           i18n::Nested{roughly(skew)}, *date);
    const std::string hint =
        i18n::format(N_("keep this machine's clock on time (NTP: timedatectl set-ntp true); a test "
                        "sandbox's clock may have been moved on purpose"));
    switch (classify_skew(skew, options_)) {
      case CheckStatus::passed: pass("clock", detail); break;
      case CheckStatus::warning: warn("clock", detail, hint); break;
      default: fail("clock", Error(ErrorCode::server, detail, "Date"), hint); break;
    }
  }

  bool embedded_service(const EndpointInfo& ep) {
    client::TransportOptions options;
    options.retry.max_attempts = 1;
    auto transport = client::open_transport(ep, options);
    if (!transport) {
      fail("service", transport.error(), "");
      skip("clock", i18n::format(N_("the service did not answer")));
      return false;
    }
    const auto start = std::chrono::steady_clock::now();
    http::Request request;
    request.method = "GET";
    request.target = "/v1/me";
    request.headers.emplace_back("Accept", "application/json");
    auto answer = (*transport)->send(request);
    const auto took =
        duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (!answer) {
      fail("service", answer.error(), "");
      skip("clock", i18n::format(N_("the service did not answer")));
      return false;
    }
    return judge_answer(i18n::format(N_("the embedded sandbox")), answer->status, answer->headers,
                        answer->body, took);
  }

  bool network(const EndpointInfo& ep) {
    const std::string host = host_of(ep.canonical);
    const bool https = ep.canonical.rfind("https://", 0) == 0;
    auto ca = connection_.cacert();
    http::ProbeOptions probe;
    probe.url = ep.canonical + "/v1/me";
    probe.cacert = ca ? *ca : std::string();
    probe.timeout = options_.timeout;
    const http::ProbeResult seen = http::probe(probe);
    const auto unreachable = [this](std::initializer_list<const char*> names) {
      for (const char* name : names) skip(name, i18n::format(N_("the endpoint cannot be reached")));
    };
    if (seen.failed == http::ProbePhase::setup) {  // nothing was tried: no phase to blame
      fail("dns", Error(ErrorCode::io, seen.error, host), "");
      for (const char* name : {"tcp", "tls", "service", "clock"})
        skip(name, i18n::format(N_("the HTTP client cannot start")));
      return false;
    }
    if (seen.failed == http::ProbePhase::dns) {
      fail("dns", Error(ErrorCode::network, fmt::format("{}: {}", host, seen.error), host),
           i18n::format(
               N_("check the endpoint's host name, and this machine's DNS (resolv.conf, VPN)")));
      unreachable({"tcp", "tls", "service", "clock"});
      return false;
    }
    pass("dns", seen.address.empty()
                    ? i18n::format(N_("{} is resolved ({} ms)"), host, seen.dns.count())
                    : i18n::format(N_("{} is {} ({} ms)"), host, seen.address, seen.dns.count()));
    if (seen.failed == http::ProbePhase::tcp) {
      fail("tcp",
           Error(ErrorCode::network, fmt::format("{}: {}", ep.canonical, seen.error), ep.canonical),
           i18n::format(
               N_("is the service up, and its port open from here (firewall, proxy)? Running again "
                  "may work")));
      unreachable({"tls", "service", "clock"});
      return false;
    }
    pass("tcp", i18n::format(N_("connected to {} ({} ms)"), seen.address, seen.tcp.count()));
    if (!https) {
      skip("tls", i18n::format(N_("the endpoint is plain http://: nothing is encrypted")));
    } else if (seen.failed == http::ProbePhase::tls) {
      tls_failure(ep, probe, seen);
      unreachable({"service", "clock"});
      return false;
    } else {
      tls_passed(seen);
    }
    if (seen.failed != http::ProbePhase::none) {
      fail("service",
           Error(ErrorCode::network, fmt::format("{}: {}", ep.canonical, seen.error), ep.canonical),
           i18n::format(N_(
               "the service accepted the connection but did not answer: running again may work")));
      skip("clock", i18n::format(N_("the service did not answer")));
      return false;
    }
    return judge_answer(ep.canonical, seen.status, seen.headers, seen.body, seen.total);
  }

  void tls_passed(const http::ProbeResult& seen) {
    if (!seen.not_after) {
      pass("tls", i18n::format(N_("handshake done ({} ms); the certificate's dates were not read"),
                               seen.tls.count()));
      return;
    }
    const std::string until = format_timestamp(*seen.not_after);
    switch (classify_expiry(*seen.not_after, now(), options_.certificate_warning)) {
      case CheckStatus::warning:
        warn("tls",
             i18n::format(N_("the certificate expires {} (in {})"), until,
                          i18n::Nested{roughly(duration_cast<seconds>(*seen.not_after - now()))}),
             i18n::format(N_("the service's operator must renew its certificate before then")));
        break;
      default:
        pass("tls", i18n::format(N_("certificate valid until {}, issued by {} ({} ms)"), until,
                                 printable(seen.issuer, 80), seen.tls.count()));
        break;
    }
  }

  void tls_failure(const EndpointInfo& ep, http::ProbeOptions probe,
                   const http::ProbeResult& seen) {
    // Read the certificate without trusting it, to say what is wrong with it; nothing is sent.
    probe.verify = false;
    probe.connect_only = true;
    const http::ProbeResult unverified = http::probe(probe);
    const Timestamp at = now();
    std::string detail = i18n::format(N_("{}: TLS failed: {}"), ep.canonical, seen.error);
    std::string hint = i18n::format(
        N_("a service with a private CA is trusted with a CA file (the profile's cacert); check "
           "that the endpoint is the service's address"));
    bool dates_wrong = true;
    if (unverified.not_after && *unverified.not_after <= at) {
      detail = i18n::format(N_("{}: TLS certificate expired {}"), ep.canonical,
                            format_timestamp(*unverified.not_after));
      hint = i18n::format(
          N_("the service's operator must renew its certificate (or this machine's clock is "
             "wrong)"));
    } else if (unverified.not_before && *unverified.not_before > at) {
      detail = i18n::format(N_("{}: TLS certificate not valid before {}"), ep.canonical,
                            format_timestamp(*unverified.not_before));
      hint = i18n::format(
          N_("this machine's clock may be behind, or the certificate was issued for later"));
    } else {
      dates_wrong = false;
      if (unverified.certificate_seen && !unverified.subject.empty() &&
          unverified.subject == unverified.issuer)
        detail = i18n::format(N_("{}: TLS certificate is self-signed ({})"), ep.canonical,
                              printable(unverified.subject, 80));
    }
    // The subject says which: a certificate this machine does not trust ("cacert", as the
    // transport says), or one whose dates are wrong ("certificate"), which no CA file cures.
    fail("tls", Error(ErrorCode::invalid_input, detail, dates_wrong ? "certificate" : "cacert"),
         hint);
  }

  /// The credentials file's mode and owner; the entry of the endpoint, when it has one.
  std::optional<CredentialStore> credentials() {
    auto store = connection_.credentials();
    if (!store) {
      fail("credentials", store.error(), "");
      return std::nullopt;
    }
    struct stat st {};
    if (::lstat(store->path().c_str(), &st) != 0) {
      pass("credentials", i18n::format(N_("no file at {}: nothing stored yet"), store->path()));
      return std::move(*store);
    }
    // get() applies the store's own rules: private to its owner, a regular file, TOML.
    if (auto read = store->get("doctor:"); !read) {
      const bool mode = (st.st_mode & 077) != 0;
      fail(
          "credentials", read.error(),
          read.error().code() != ErrorCode::forbidden
              ? i18n::format(N_("correct or remove the file (its tokens are then asked for again)"))
          : mode ? i18n::format(N_("make it private: chmod 600 {}"), store->path())
                 : i18n::format(N_("it must belong to the user running this (uid {}): chown it, "
                                   "or remove it"),
                                ::geteuid()));
      return std::nullopt;
    }
    pass("credentials", i18n::format(N_("{}, mode {:04o}, owned by uid {}"), store->path(),
                                     st.st_mode & 07777, st.st_uid));
    return std::move(*store);
  }

  void token(const std::optional<EndpointInfo>& ep, bool reachable,
             const std::optional<CredentialStore>& store) {
    if (!ep) {
      skip("token", i18n::format(N_("no endpoint in force")));
      return;
    }
    const std::optional<DemoSignIn> demo = demo_sign_in(*ep);
    std::string token;
    std::string who;
    Timestamp expires = Timestamp::max();
    bool demo_account = false;
    if (auto env = options_.env("SNE_TOKEN"); env && !env->empty()) {
      token = *env;
      who = i18n::format(N_("the token of SNE_TOKEN"));
    } else {
      if (!store) {
        skip("token", i18n::format(N_("the credentials file could not be read")));
        return;
      }
      auto stored = store->get(ep->canonical);
      if (!stored) {
        skip("token", i18n::format(N_("the credentials file could not be read")));
        return;
      }
      if (!*stored || (*stored)->token.empty()) {
        if (demo && !*stored) {
          pass("token", i18n::format(N_("no session yet: the demo account {} is signed in at first "
                                        "use"),
                                     demo->email));
          return;
        }
        fail("token",
             Error(ErrorCode::unauthenticated,
                   *stored ? i18n::format(N_("signed out of {}"), ep->canonical)
                           : i18n::format(N_("not signed in to {}"), ep->canonical),
                   "Authorization"),
             i18n::format(N_("sign in to the service")));
        return;
      }
      token = (*stored)->token;
      expires = (*stored)->expires_at;
      demo_account = demo && demo->is_demo_account((*stored)->email);
      who = i18n::format(N_("the session of {}"), (*stored)->email);
      if (expires <= now()) {
        if (demo_account) {
          pass("token", i18n::format(N_("{} expired {}: the demo account is signed in again at "
                                        "first use"),
                                     i18n::Nested{who}, format_timestamp(expires)));
          return;
        }
        fail("token",
             Error(ErrorCode::unauthenticated,
                   i18n::format(N_("{} on {} expired {}"), i18n::Nested{who}, ep->canonical,
                                format_timestamp(expires)),
                   "Authorization"),
             i18n::format(N_("sign in again")));
        return;
      }
    }
    if (!reachable) {
      skip("token", i18n::format(N_("{} was not shown to the service, which did not answer"),
                                 i18n::Nested{who}));
      return;
    }
    ServiceOptions service_options;
    service_options.endpoint = ep->canonical;
    service_options.token = token;
    service_options.retry.max_attempts = 1;
    auto ca = connection_.cacert();
    if (ca) service_options.cacert = *ca;
    auto paths = connection_.paths();
    if (!paths) {
      skip("token", i18n::format(N_("the XDG paths could not be found")));
      return;
    }
    auto service = open_service(service_options, **paths);
    if (!service) {
      fail("token", service.error(), "");
      return;
    }
    auto me = (*service)->me();
    if (!me) {
      if (me.error().code() == ErrorCode::unauthenticated && demo_account) {
        pass("token", i18n::format(N_("{} is no longer known to the sandbox: the demo account is "
                                      "signed in again at first use"),
                                   i18n::Nested{who}));
        return;
      }
      const bool refused = me.error().code() == ErrorCode::unauthenticated;
      fail("token",
           refused ? Error(ErrorCode::unauthenticated,
                           i18n::format(N_("the service refuses {} (revoked, or expired on its "
                                           "clock)"),
                                        i18n::Nested{who}),
                           "Authorization")
                   : me.error(),
           refused ? i18n::format(N_("sign in again")) : "");
      return;
    }
    if (expires == Timestamp::max()) {
      pass("token", i18n::format(N_("{} is accepted ({})"), i18n::Nested{who}, me->email));
      return;
    }
    const std::string detail = i18n::format(N_("{} is accepted, valid until {}"), i18n::Nested{who},
                                            format_timestamp(expires));
    if (classify_expiry(expires, now(), options_.token_warning) == CheckStatus::warning)
      warn("token",
           i18n::format(N_("{} is accepted, but expires {} (in {})"), i18n::Nested{who},
                        format_timestamp(expires),
                        i18n::Nested{roughly(duration_cast<seconds>(expires - now()))}),
           i18n::format(N_("sign in again before it ends")));
    else
      pass("token", detail);
  }

  void glpi() {
    auto url = connection_.glpi_url();
    if (!url) {
      if (url.error().code() == ErrorCode::invalid_input && url.error().subject() == "glpi_url" &&
          url.error().message().rfind("no GLPI", 0) == 0) {
        skip("glpi",
             i18n::format(
                 N_("GLPI is not configured (neither SNE_GLPI_URL nor the profile's glpi_url)")));
        return;
      }
      fail("glpi", url.error(), i18n::format(N_("GLPI's URL ends with /apirest.php")));
      return;
    }
    auto client = connection_.glpi();
    if (!client) {
      fail("glpi", client.error(), "");
      return;
    }
    if (auto checked = check_glpi_credentials(**client); !checked) {
      const Error& e = checked.error();
      std::string hint;
      if (e.code() == ErrorCode::unauthenticated)
        hint =
            e.subject() == "glpi_app_token"
                ? i18n::format(N_(
                      "GLPI's App-Token is that of an API client declared in GLPI (Setup > API)"))
                : i18n::format(
                      N_("GLPI's user token is the personal API token of the user's preferences"));
      else if (e.retryable())
        hint = i18n::format(N_("is GLPI's URL right, and GLPI up? Running again may work"));
      fail("glpi", e, hint, i18n::format(N_("{}: {}"), *url, i18n::Nested{e.message()}));
      return;
    }
    pass("glpi", i18n::format(N_("{}: a session was opened with its tokens, and closed"), *url));
  }

  void catalog() {
    auto profile = connection_.profile();
    const std::string path =
        profile ? (*profile)->profile.get("catalog").value_or("") : std::string();
    if (path.empty()) {
      const Catalog& builtin = Catalog::builtin();
      pass("catalog", i18n::format(N_("the built-in catalog {} ({} types); no override"),
                                   builtin.version(), builtin.type_count()));
      return;
    }
    auto loaded = Catalog::load_file(path);
    if (!loaded) {
      fail("catalog", loaded.error(),
           i18n::format(N_(
               "the override must follow the built-in catalog's schema (the JSON the piece types "
               "are listed in), or the profile's catalog key must go")));
      return;
    }
    pass("catalog", i18n::format(N_("{}: catalog {} ({} types)"), path, loaded->version(),
                                 loaded->type_count()));
  }

  Connection& connection_;
  DoctorOptions options_;
  DoctorReport report_;
};

}  // namespace

DoctorReport run_doctor(Connection& connection, const DoctorOptions& options) {
  return Doctor(connection, options).run();
}

}  // namespace sne
