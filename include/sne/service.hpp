/// @file
/// The SNE web services, whichever backend answers them.
///
/// One interface, Service, speaks the contract of docs/openapi.yaml. open_service() picks the
/// backend from a table by endpoint:
/// @verbatim
///   "sandbox"          the embedded sandbox in $XDG_DATA_HOME/sne/sandbox.db (SQLite)
///   "sandbox:PATH"     the embedded sandbox in PATH
///   "http://..."       a remote service over HTTP (loopback sandbox servers, tests)
///   "https://..."      a remote service over HTTPS, certificates verified
/// @endverbatim
/// Both backends run the same client code; only the transport differs, so the embedded sandbox
/// answers exactly as `sne sandbox serve` does.
///
/// Thread safety: a Service is used by one thread at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/account.hpp"
#include "sne/config.hpp"
#include "sne/demande.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/pli.hpp"
#include "sne/retry.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// How open_service() reaches a backend: the endpoint, the token, TLS, timeouts and retries.
struct ServiceOptions {
  /// "sandbox", "sandbox:PATH", "http://HOST[:PORT]" or "https://HOST[:PORT]" (an optional
  /// path prefix is kept: "https://example.org/sne" calls https://example.org/sne/v1/...).
  std::string endpoint = "sandbox";
  /// Bearer token; empty for anonymous calls (account requests, activation, login).
  std::string token;
  /// Extra CA bundle (PEM) trusted for https endpoints, besides the system's.
  std::string cacert;
  /// Longest wait for a connection to the service.
  std::chrono::milliseconds connect_timeout{10000};
  /// A transfer is abandoned when it moves less than 1 byte/s for this long.
  std::chrono::milliseconds stall_timeout{30000};
  /// When failed requests are tried again (only idempotent ones, or those with a key).
  RetryPolicy retry;
  /// Receives one line per HTTP exchange (method, URL, status, time, redacted headers) when
  /// set: for --debug. Tokens, passwords and file contents are never passed to it.
  std::function<void(std::string_view)> debug_log;
};

/// What an endpoint string designates.
struct EndpointInfo {
  /// The two kinds of backend.
  enum class Kind { embedded_sandbox, http };
  /// The embedded sandbox, in process, or a service over HTTP(S).
  Kind kind = Kind::embedded_sandbox;
  /// The endpoint spelt out in full: "sandbox:/home/a/.local/share/sne/sandbox.db",
  /// "https://sne.example.org". Credentials are stored under this name.
  std::string canonical;
  std::string sandbox_path;  ///< for embedded_sandbox
};

/// Parses an endpoint; `paths` gives the default sandbox location. invalid_input for an
/// unknown scheme or a malformed URL (with subject "endpoint").
SNE_EXPORT Result<EndpointInfo> parse_endpoint(std::string_view endpoint, const Paths& paths);

/// The demo identity of a backend that has demo data (the embedded sandbox), for signing in
/// again on it without asking anyone. Passwords of real services are never known here.
struct DemoSignIn {
  /// The demo account's e-mail address.
  std::string email;
  /// Its password (demo data, as public as the sandbox).
  std::string password;
  std::string glpi_app_token;   ///< the App-Token of its GLPI; empty when it has none
  std::string glpi_user_token;  ///< the GLPI user token of `email`; empty when it has none
  /// The other demo accounts with the same password, whose sessions are opened again as
  /// `email`'s are (Connection::service() in sne/connect.hpp).
  std::vector<std::string> other_emails{};

  /// Whether `address` is `email` or one of `other_emails`.
  bool is_demo_account(std::string_view address) const {
    if (address == email) return true;
    for (const auto& other : other_emails)
      if (address == other) return true;
    return false;
  }
};

/// The demo identity of the backend of `endpoint`; nullopt for a real service (http, https)
/// and for a backend this program does not link.
SNE_EXPORT std::optional<DemoSignIn> demo_sign_in(const EndpointInfo& endpoint);

/// The SNE web services, as one interface over either backend (see the header comment). Every
/// call is one request, retried by ServiceOptions::retry; remote failures are Errors with
/// the HTTP status and request id. Opened by open_service() or Connection::service().
class SNE_EXPORT Service {
 public:
  virtual ~Service() = default;

  /// The endpoint this service talks to.
  virtual const EndpointInfo& endpoint() const noexcept = 0;
  /// Replaces the bearer token used from now on (empty: anonymous).
  virtual void set_token(std::string token) = 0;
  /// The service's clock: the Date header of its latest answer (a sandbox answers with its own
  /// clock, which may be set to another day); the system clock before any answer.
  virtual Timestamp server_time() const = 0;

  // Authentication. login() does not change the token in use: call set_token().
  /// Opens a session for `email` (POST /v1/auth/token); unauthenticated for a wrong password. The
  /// token in use is not changed: pass the session's token to set_token().
  virtual Result<Session> login(const std::string& email, const std::string& password) = 0;
  /// Revokes the token in use.
  virtual Status logout() = 0;

  // The signed-in agent.
  /// The signed-in agent: identity, role, guichets and the current one.
  virtual Result<Me> me() = 0;
  /// Changes the agent's profile (fields left empty stay); returns the profile after it.
  virtual Result<Me> update_profile(const ProfileChange& change) = 0;
  /// Makes `code` the current guichet (a multi-guichet agent); not_found when not theirs.
  virtual Result<Me> switch_guichet(const std::string& code) = 0;

  // Account requests. `idempotency_key` (may be empty) makes a retried request safe.
  /// Asks for an account (no session needed); returns the request, en_attente. conflict when
  /// the e-mail address already has an account or a request.
  virtual Result<AccountRequest> request_account(const AccountRequestInput& input,
                                                 const std::string& idempotency_key) = 0;
  /// Anyone holding the id may follow a request.
  virtual Result<AccountRequest> account_request(const std::string& id) = 0;
  /// Référent only: requests waiting for one of their guichets.
  virtual Result<std::vector<AccountRequest>> pending_requests() = 0;
  /// Référent only: validates a request (the service then mails the activation link).
  /// not_found when no guichet of the request is one the caller is référent of; forbidden when
  /// some are not (the référent must answer for every guichet); conflict when the request is no
  /// longer en_attente or its e-mail address already has an account.
  virtual Result<AccountRequest> validate_request(const std::string& id) = 0;
  /// Référent only: rejects a request with `motif`, which the requester will read (one of its
  /// guichets of theirs is enough). not_found and conflict as for validate_request().
  virtual Result<AccountRequest> reject_request(const std::string& id,
                                                const std::string& motif) = 0;
  /// Sets the password of a validated account with the one-time token of its activation
  /// link; returns the e-mail of the account.
  virtual Result<std::string> activate(const std::string& activation_token,
                                       const std::string& password) = 0;

  // Demandes, pieces and plis. A demande outside the territory of the current guichet, and a
  // pli of another guichet, are not_found.
  /// The demande and its pieces; not_found when unknown or outside the current guichet's
  /// territory.
  virtual Result<Demande> demande(const std::string& numero_unique) = 0;
  /// Stores the content of one piece for a later send_pli().
  virtual Result<Upload> upload(std::string_view content, const std::string& idempotency_key) = 0;
  /// Stores the content of the file at `path`, streamed from disk (never loaded whole).
  virtual Result<Upload> upload_file(const std::string& path,
                                     const std::string& idempotency_key) = 0;
  /// Adds pieces to a demande as one pli; conflict when a category would exceed its maximum.
  virtual Result<Pli> send_pli(const std::string& numero_unique, const PliInput& input,
                               const std::string& idempotency_key) = 0;
  /// Deletes one piece of a demande, to make room in its category; not_found when the piece is
  /// not the demande's.
  virtual Status delete_piece(const std::string& numero_unique, const std::string& piece_id) = 0;
  /// One page of the current guichet's plis, newest first, as `filter` selects them (see
  /// list_plis() in sne/tracking.hpp for every page).
  virtual Result<PliPage> plis(const PliFilter& filter) = 0;
  /// One pli of the current guichet with its pieces and history; not_found otherwise.
  virtual Result<Pli> pli(const std::string& transaction) = 0;
};

/// Opens the backend the endpoint designates. Opening the embedded sandbox creates and seeds
/// its database on first use.
SNE_EXPORT Result<std::unique_ptr<Service>> open_service(const ServiceOptions& options,
                                                         const Paths& paths);

/// A fresh random Idempotency-Key.
SNE_EXPORT std::string new_idempotency_key();

}  // namespace sne
