/// @file
/// A ready Service and Glpi, resolved as the `sne` program resolves them.
///
/// A Connection applies the precedence of flags, environment, configuration file and defaults
/// to the endpoint, the CA file, the token and GLPI's URL and tokens, once each:
///
/// @verbatim
///   endpoint  the given one (a flag), else $SNE_ENDPOINT, else the profile's `endpoint`, else
///             "sandbox" (the embedded sandbox); an error names where the bad one came from
///   CA file   the given one, else the profile's `cacert`
///   token     $SNE_TOKEN, else the credentials store's entry for the endpoint; on a backend
///             with demo data (demo_sign_in()), a missing entry, and a demo account's session
///             that has expired or that the server no longer knows, are opened again with the
///             demo password and saved; an entry with an empty token (signed out on purpose)
///             is respected
///   GLPI URL  $SNE_GLPI_URL, else the profile's `glpi_url`, else the embedded sandbox's own
///             GLPI when the endpoint is the embedded sandbox
///   GLPI      $SNE_GLPI_APP_TOKEN and $SNE_GLPI_USER_TOKEN, else the credentials store's
///   tokens    entry under glpi_key(URL)
/// @endverbatim
///
///     sne::Connection connection({});          // the process's environment, default profile
///     auto service = connection.service();     // sne::Result<sne::Service*>
///     if (service) auto me = (*service)->me();
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sne/config.hpp"
#include "sne/credentials.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/service.hpp"

namespace sne {

class Glpi;  // sne/glpi.hpp

/// How a caller wants the service: signed in (the default), or anonymous (account requests,
/// activation, login).
enum class Auth { required, anonymous };
/// @var Auth::required
/// A signed-in service: a token is found, or the call is unauthenticated.
/// @var Auth::anonymous
/// A service without a token, for the calls that need none.

/// Something a Connection tells as it resolves, for its user to read (or not).
struct Note {
  /// How much a note matters to the user of a program.
  enum class Level {
    /// Worth saying to anyone: the embedded sandbox's demo data is in use, a demo session was
    /// opened again.
    info,
    /// Where each setting came from: the profile, the endpoint, the token, GLPI's URL.
    verbose,
  };
  /// Whether a program shows the note by default (info) or when asked (verbose).
  Level level = Level::info;
  /// One line, no trailing period, never a secret.
  std::string text;
};

/// Where the token of a Connection's service came from.
enum class TokenSource {
  none,         ///< no service yet, or an anonymous one
  environment,  ///< $SNE_TOKEN
  credentials,  ///< the credentials store (a demo session opened again is saved there first)
};

/// What a Connection starts from: the caller's own choices (empty ones leave the setting to
/// the environment and the profile) and where it reports.
struct ConnectOptions {
  /// The endpoint asked for by the caller (a flag); empty: none.
  std::string endpoint;
  /// How errors name `endpoint`: "--endpoint: ..." for the `sne` program.
  std::string endpoint_origin = "endpoint";
  /// The CA file asked for by the caller (a flag); empty: the profile's `cacert`, if any.
  std::string cacert;
  /// The configuration file and profile asked for (--config, --profile), applied with
  /// select_profile(); unused when `profile` is set.
  ProfileRequest profile_request;
  /// A profile the caller has selected already.
  std::optional<ActiveProfile> profile;
  /// The environment; empty: the process's (process_env()).
  EnvLookup env;
  /// Receives one line per HTTP exchange of the services and GLPI clients opened (--debug).
  std::function<void(std::string_view)> debug_log;
  /// Receives the notes (Note); empty: none are made.
  std::function<void(const Note&)> notes;
};

/// The endpoint, the service, the credentials and GLPI of one caller, each resolved at first
/// use and kept. Not thread-safe: a bulk run gives each worker its own another_service().
class SNE_EXPORT Connection {
 public:
  /// Keeps `options`; resolves nothing yet (every setting is resolved at first use).
  explicit Connection(ConnectOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The profile in force: ConnectOptions::profile, else select_profile().
  Result<const ActiveProfile*> profile();
  /// The XDG paths of the environment.
  Result<const Paths*> paths();
  /// The endpoint in force. invalid_input prefixed with where it came from ("SNE_ENDPOINT",
  /// "profile 'x'", ConnectOptions::endpoint_origin) when it is not one.
  Result<EndpointInfo> endpoint();
  /// The credentials store of $XDG_CONFIG_HOME/sne/credentials.
  Result<CredentialStore> credentials();
  /// The CA file in force: ConnectOptions::cacert, else the profile's `cacert`; empty: none.
  Result<std::string> cacert();

  /// The service at endpoint(), opened once (the Auth of the first call decides). With
  /// Auth::required: the token of $SNE_TOKEN, else of the credentials store, with the demo
  /// sign-in of the header comment; unauthenticated (subject "Authorization") when there is no
  /// session or it has expired.
  Result<Service*> service(Auth auth = Auth::required);
  /// Where the token of service() came from.
  TokenSource token_source() const noexcept { return token_source_; }
  /// One more service like service() (same endpoint, token and CA), for the workers of a bulk
  /// run; `on_retry` is told of each retry. internal when service() has not succeeded first.
  Result<std::unique_ptr<Service>> another_service(
      const std::function<void(int, std::chrono::milliseconds)>& on_retry);

  /// The GLPI URL in force, in full (glpi_canonical_url()). invalid_input with subject
  /// "glpi_url" when neither $SNE_GLPI_URL nor the profile's `glpi_url` is set and the
  /// endpoint is not the embedded sandbox; a bad URL's error is prefixed with its origin.
  Result<std::string> glpi_url();
  /// The credentials-store key of a GLPI URL: "glpi:" + the URL.
  static std::string glpi_key(const std::string& url) { return "glpi:" + url; }
  /// The GLPI client at glpi_url() with the tokens of the header comment (the sandbox's GLPI
  /// needs none), opened once; no request is sent before its first call.
  Result<Glpi*> glpi();
  /// A GLPI client at `url` with these tokens, the CA file and the debug log in force (to check
  /// tokens before they are saved).
  Result<std::unique_ptr<Glpi>> open_glpi(const std::string& url, std::string app_token,
                                          std::string user_token);

 private:
  std::optional<std::string> env(std::string_view name) const;
  /// The one precedence of every setting: `given` (named `given_origin`), else the variable
  /// `env_name` (none when null), else the profile's `key`. The text (empty when none gives it)
  /// and where it came from; the profile's origin names the key when `origin_names_key`.
  Result<std::pair<std::string, std::string>> setting(const std::string& given,
                                                      const std::string& given_origin,
                                                      const char* env_name, const char* key,
                                                      bool origin_names_key);
  void note(Note::Level level, std::string text) const;
  Result<std::unique_ptr<Service>> open(std::string token);

  ConnectOptions options_;
  std::optional<Paths> paths_;
  std::optional<EndpointInfo> endpoint_;
  std::unique_ptr<Service> service_;
  std::string token_;  ///< of service_
  TokenSource token_source_ = TokenSource::none;
  std::optional<std::string> glpi_url_;
  std::unique_ptr<Glpi> glpi_;
};

}  // namespace sne
