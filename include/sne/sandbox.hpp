/// @file
/// The sandbox: a stand-in for the SNE web services, on SQLite.
///
/// The sandbox implements the contract of docs/openapi.yaml, refusals included, on a database
/// file created and seeded on first use with demo guichets, agents, demandes and plis. It is
/// reached in process (endpoint "sandbox" or "sandbox:PATH") or over HTTP on loopback with
/// SandboxServer. Several processes may share one database file.
///
/// The sandbox is its own library, sne::sandbox (libsne_sandbox.so): a program that links it
/// reaches the endpoints "sandbox" and "sandbox:PATH"; without it, they are refused with a
/// message saying so, and the rest of libsne works the same.
///
/// Demo identities, all with the password "sandbox":
/// @verbatim
///   referent@sandbox.sne.test  référent of G3401 and G6901
///   agent@sandbox.sne.test     agent of G3401 (Hérault)
///   multi@sandbox.sne.test     agent of G6901, G1101 and G9741 (three territories)
///   agent.metz@sandbox.sne.test  agent of G5701 (Moselle), a guichet without référent
/// @endverbatim
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/statut.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// The demo identities and their password.
inline constexpr const char* kSandboxPassword = "sandbox";
/// The demo agent of G3401 (Hérault), whom the embedded sandbox signs in as.
inline constexpr const char* kSandboxAgent = "agent@sandbox.sne.test";
/// The demo référent of G3401 and G6901, who validates account requests.
inline constexpr const char* kSandboxReferent = "referent@sandbox.sne.test";
/// The demo agent of three guichets in three territories (G6901, G1101, G9741).
inline constexpr const char* kSandboxMulti = "multi@sandbox.sne.test";

/// The sandbox's GLPI (the support desk, under /apirest.php/): the App-Token of its API client,
/// and the personal API token (user_token) of the demo agent, kSandboxAgent. Every demo identity
/// has one, "sandbox-glpi-" followed by the part of its e-mail before '@' with '.' as '-'
/// ("sandbox-glpi-agent-metz"); GLPI also accepts the e-mail and password in Basic auth.
inline constexpr const char* kSandboxGlpiAppToken = "sandbox-glpi-app-token";
/// The personal GLPI API token of kSandboxAgent.
inline constexpr const char* kSandboxGlpiUserToken = "sandbox-glpi-agent";

/// Adds the embedded sandbox to the table of backends (endpoints "sandbox", "sandbox:PATH"),
/// with its demo identity (demo_sign_in() in sne/service.hpp). Loading libsne_sandbox.so does
/// it already; call it at the start of a program anyway, so that a linker dropping a library
/// nothing seems to use (--as-needed, a static link) cannot leave the sandbox out. Idempotent
/// and thread-safe.
///
/// A service opened on the sandbox with open_service() is not signed in. sne::Connection
/// (sne/connect.hpp) signs in as the demo agent by itself, as `sne` does; by hand:
///
///     auto demo = sne::demo_sign_in(service->endpoint());  // the sandbox's demo identity
///     auto session = service->login(demo->email, demo->password);
///     if (session) service->set_token(session->token);
SNE_EXPORT void register_embedded_sandbox();

/// Empties the database at `path` (created if missing) and seeds it anew, in place and in one
/// transaction, so that a server running on it serves the new data. The sandbox's clock is
/// kept, and dates the new demo data. A file that is not a sandbox database is refused and left
/// untouched.
SNE_EXPORT Status reset_sandbox(const std::string& path);

/// An e-mail the sandbox "sent".
struct OutboxMail {
  /// The mail's number in the outbox, from 1.
  std::int64_t id = 0;
  /// When it was "sent", on the sandbox's clock.
  Timestamp sent_at;
  /// The recipient's address.
  std::string to;
  /// The subject line.
  std::string subject;
  std::string body;  ///< plain text; activation mails hold the link and its token
};
/// The mails sent, oldest first; the last `limit` ones when limit > 0. not_found when no
/// database exists at `path` (none is created).
SNE_EXPORT Result<std::vector<OutboxMail>> sandbox_outbox(const std::string& path, int limit = 0);

/// Which mails of the outbox to show.
struct OutboxQuery {
  std::string to;  ///< only the mails sent to this address (exactly); empty: every mail
  int limit = 0;   ///< only the last `limit` of those; 0 or less: all of them
};
/// The mails of `mails` (oldest first) that `query` selects, oldest first.
SNE_EXPORT std::vector<OutboxMail> select_outbox(std::vector<OutboxMail> mails,
                                                 const OutboxQuery& query);
/// The mails of the sandbox at `path` that `query` selects, oldest first; not_found when no
/// database exists at `path` (none is created).
SNE_EXPORT Result<std::vector<OutboxMail>> find_outbox_mails(const std::string& path,
                                                             const OutboxQuery& query);
/// A mail as JSON: id, sent_at (ISO 8601), to, subject, body.
SNE_EXPORT Json to_json(const OutboxMail& mail);

/// The sandbox's clock, which dates everything in it: sessions and tokens, plis, the
/// numériseur's work. It is kept in the database, so that every process sharing it, a running
/// server included, sees a change at its next request. In auto mode it is the system clock
/// plus an offset (advance_sandbox_clock); fixed, it stands still at an instant.
struct SandboxClock {
  Timestamp now;                   ///< the sandbox's time, to the second
  bool fixed = false;              ///< stopped at `now` by set_sandbox_clock()
  std::chrono::seconds offset{0};  ///< `now` minus the system clock (negative: in the past)
};

/// The clock of the sandbox at `path` (created and seeded if missing).
SNE_EXPORT Result<SandboxClock> sandbox_clock(const std::string& path);

/// Stops the sandbox's clock at `at`, forwards or backwards, from 1970 to 2200 (invalid_input
/// otherwise): it stays there until set again, advanced, or put back by auto_sandbox_clock().
/// Going backwards is allowed: data made at a later sandbox time then looks like the future.
SNE_EXPORT Result<SandboxClock> set_sandbox_clock(const std::string& path, Timestamp at);
/// An instant to set the clock to, as a user writes it: "2025-04-18T10:00:00Z", or a date alone
/// ("2025-04-18") for 00:00 UTC that day. invalid_input with the subject "instant", quoting the
/// text, for anything else.
SNE_EXPORT Result<Timestamp> parse_sandbox_instant(std::string_view text);

/// The clock as JSON: now (ISO 8601), mode ("fixed" or "auto"), offset_seconds.
SNE_EXPORT Json to_json(const SandboxClock& clock);
/// Puts the sandbox's clock back on the system clock, without offset.
SNE_EXPORT Result<SandboxClock> auto_sandbox_clock(const std::string& path);

/// Moves the sandbox's clock forward (tokens expire, plis age): the offset in auto mode, the
/// instant when the clock is fixed. invalid_input when `by` is negative.
SNE_EXPORT Status advance_sandbox_clock(const std::string& path, std::chrono::seconds by);

/// The sandbox's numériseur processes each pli sent through the web service `delay` after its
/// transmission (seeded plis still "en cours" are stuck there on purpose, as lost paper is):
/// readable pieces of known types land in the demande (enregistrement complet); unreadable,
/// encrypted or hors-périmètre pieces, and pieces whose category filled up meanwhile, are
/// rejected with a reason (rejet d'une ou plusieurs pièces); a pli for a radiated demande is
/// rejected whole (rejet du dossier par le SNE).
struct NumeriseurRun {
  /// Plis whose pieces all landed in the demande (enregistrement complet).
  int complete = 0;
  /// Plis with some pieces rejected (rejet d'une ou plusieurs pièces).
  int rejet_pieces = 0;
  /// Plis rejected whole (rejet du dossier par le SNE).
  int rejet_dossier = 0;
  std::vector<std::string> transactions;  ///< processed, oldest first
};

/// Moves the sandbox clock forward by `by` (0: not at all), then has the numériseur process at
/// once every pli waiting for it, due or not.
SNE_EXPORT Result<NumeriseurRun> advance_sandbox(const std::string& path, std::chrono::seconds by);

/// What `advance_sandbox(path, advanced_by)` did, as JSON: advanced_by (seconds), processed,
/// enregistrement_complet, rejet_pieces, rejet_dossier, transactions.
SNE_EXPORT Json to_json(const NumeriseurRun& run, std::chrono::seconds advanced_by);
/// The sandbox's numériseur: its delay and its queue.
struct NumeriseurState {
  std::chrono::seconds delay{0};  ///< between a pli's transmission and its processing
  int waiting = 0;                ///< plis it will process
  int stuck = 0;                  ///< seeded plis it never will
};

/// The numériseur's delay and queue; sets the delay first when `delay` is given (at most a
/// day, so that plis are not mistaken for stuck ones).
SNE_EXPORT Result<NumeriseurState> sandbox_numeriseur(const std::string& path,
                                                      std::optional<std::chrono::seconds> delay);
/// The state as JSON: delay (seconds), waiting, stuck.
SNE_EXPORT Json to_json(const NumeriseurState& state);

/// The sandbox's GLPI (the support desk under /apirest.php/): knobs for testing a GLPI client's
/// handling of faults, and what it holds. The knobs live in the database, so that a running
/// server applies a change at its next request.
struct SandboxGlpi {
  /// A session unused for this long, on the sandbox's clock, is gone (PHP's
  /// session.gc_maxlifetime, 1440 s by default).
  std::chrono::seconds session_ttl{1440};
  /// A session is invalid after this many authenticated calls, killSession included, so that
  /// "the session expired mid-run" happens at a chosen call; 0: never.
  int session_calls = 0;
  /// The largest file a Document upload accepts, in bytes (GLPI's document_max_size); larger
  /// ones are refused with "File is too big". Request bodies over the server's limit (16 MiB)
  /// are refused whole before that.
  std::uint64_t max_upload = std::uint64_t{10} << 20;
  int open_sessions = 0;  ///< sessions not killed, not expired, not used up, at the sandbox's time
  int tickets = 0;        ///< tickets created through the API
  int documents = 0;      ///< documents, empty ones included
};

/// The knobs and counters as JSON: session_ttl (seconds), session_calls, max_upload,
/// open_sessions, tickets, documents.
SNE_EXPORT Json to_json(const SandboxGlpi& glpi);
/// Changes to the knobs of SandboxGlpi; absent members stay as they are.
struct SandboxGlpiChange {
  std::optional<std::chrono::seconds> session_ttl;  ///< 1 s to 30 days
  std::optional<int> session_calls;                 ///< 0 to 1,000,000
  std::optional<std::uint64_t> max_upload;          ///< 1 byte to 1 GiB
};

/// The GLPI knobs and counters of the sandbox at `path` (created and seeded if missing),
/// after applying `change` in one transaction. invalid_input, naming the member
/// ("session_ttl"), for a value out of range; nothing is changed then.
SNE_EXPORT Result<SandboxGlpi> sandbox_glpi(const std::string& path,
                                            const SandboxGlpiChange& change = {});

/// A volume of plis for the tableau de bord (see seed_sandbox_plis).
struct SeedPlisOptions {
  int count = 1000;               ///< plis to add: 1 to 1,000,000
  std::string guichet = "G3401";  ///< the guichet that sent them; default the demo agent's
  int days = 365;                 ///< sent over the `days` days before the sandbox clock: 1 to 3650
};

/// What seed_sandbox_plis() added.
struct SeededPlis {
  /// Plis added.
  int added = 0;
  std::string guichet;                 ///< its code, upper-case
  std::string territoire;              ///< the guichet's: the demandes they were sent for
  int demandes = 0;                    ///< demandes of the territory that may have received some
  int demandes_created = 0;            ///< of those, made for the occasion
  Timestamp first;                     ///< earliest date de transmission
  Timestamp last;                      ///< latest
  std::map<StatutPli, int> by_statut;  ///< how many plis in each status
};

/// Adds `count` plis sent by a guichet to the open demandes of its territory (and to new ones
/// with valid numéros uniques, so that each gets a handful), transmitted over the last `days`
/// days of the sandbox clock, mostly in office hours, for lists and statistics to work on:
/// contextes CRE, REN, MAJ and AJO; 1 to 3 pieces each; statuses as the numériseur leaves them
/// (mostly enregistrement complet, some rejets de pièces with a motif on the rejected piece,
/// some rejets du dossier, a few non applicables), processed 0 to 6 days after transmission, so
/// that some miss the 2 jours ouvrés; the plis not processed by the sandbox's time yet, and a
/// few lost ones, are still en cours, and stuck: the numériseur leaves them alone. Their
/// pieces are not filed in the demandes (a category holds two pieces). The existing data stays;
/// a transaction id already taken is drawn again. One transaction, all or nothing; the same
/// database at the same sandbox time gives the same plis. invalid_input for options out of
/// range or a malformed guichet code (case does not matter), not_found for a guichet the
/// sandbox does not have.
SNE_EXPORT Result<SeededPlis> seed_sandbox_plis(const std::string& path,
                                                const SeedPlisOptions& options);

/// What was seeded, as JSON: added, guichet, territoire, demandes, demandes_created,
/// first_transmission, last_transmission (ISO 8601), by_statut (every status by code, 0 when
/// none).
SNE_EXPORT Json to_json(const SeededPlis& seeded);
/// New demandes for volume tests and benchmarks (see seed_sandbox_demandes).
struct SeedDemandesOptions {
  int count = 100;  ///< demandes to add: 1 to 1,000,000
  /// The guichet in whose territory they are registered, and whose code ends their numéros
  /// uniques; empty: the current guichet of the demo agent (kSandboxAgent) in that database.
  std::string guichet;
};

/// What seed_sandbox_demandes() added.
struct SeededDemandes {
  std::string guichet;               ///< its code, upper-case
  std::string territoire;            ///< the guichet's, where the demandes are
  std::vector<std::string> numeros;  ///< the numéros added, ascending but for a few redrawn
};

/// Adds `count` demandes to the territory of a guichet, with random valid numéros uniques that
/// no demande of the sandbox holds yet (registered over the six years before the sandbox's
/// clock, ending with the guichet's code), random names and birth dates, not radiated, with
/// no piece and no pli: every category has room. One transaction, all or nothing; the draws
/// come from a fresh random seed each time. invalid_input for a count out of range or a
/// malformed guichet code (case does not matter), not_found for a guichet the sandbox does not
/// have.
SNE_EXPORT Result<SeededDemandes> seed_sandbox_demandes(const std::string& path,
                                                        const SeedDemandesOptions& options);

/// Where a dropped request's connection is closed (SandboxFaults::drop_when).
enum class SandboxDrop {
  before,  ///< before the request is processed: nothing was done, as a network failure
  after,   ///< after it was processed and committed: the client never learns that it was
  either,  ///< one or the other, half of the time each
};

/// "before", "after", "either".
SNE_EXPORT std::string_view to_string(SandboxDrop drop) noexcept;
/// Faults the sandbox plays on the requests of the contract (/v1/...), for testing clients'
/// retries, pacing and exactly-once sending. Sign-in (POST /v1/auth/token) and GLPI
/// (/apirest.php/) are exempt, so that a test can always sign in. The knobs live in the
/// database, so that a running server (and the embedded sandbox) applies a change at its next
/// request; a reset clears them. For each request, in this order:
///   1. with probability drop_rate, and drop_when says before: the connection is closed with
///      no answer, nothing done;
///   2. with probability error_rate: answered error_status with the contract's error object
///      (and Retry-After: retry_after when not 0), nothing done;
///   3. a pli creation (POST /v1/demandes/{numero}/plis) beyond rate_limit per second, counted
///      in a token bucket of rate_limit tokens (at least 1) shared by every client of the
///      process: answered 429 with a Retry-After of the seconds until a token is free, nothing
///      done;
///   4. otherwise the request is processed; then, with probability drop_rate and drop_when
///      after, the connection is closed with no answer: the work is committed, the client
///      never learns it (the hardest case for idempotency keys).
/// Every answer, and every drop, is delayed by latency. In the embedded sandbox a drop is a
/// network error of the transport and the latency a sleep of the caller.
struct SandboxFaults {
  double error_rate = 0;                 ///< 0 to 1
  int error_status = 503;                ///< 408, 429, 500, 502, 503 or 504
  std::chrono::seconds retry_after{0};   ///< 0 (no header) to 1 hour
  std::chrono::milliseconds latency{0};  ///< 0 to 60 s
  double drop_rate = 0;                  ///< 0 to 1
  /// Where a dropped connection is closed, relative to the request's processing.
  SandboxDrop drop_when = SandboxDrop::after;
  double rate_limit = 0;  ///< pli creations per second, 0 (none) or 0.01 to 100,000
  /// True when some knob plays a fault.
  bool any() const noexcept {
    return error_rate > 0 || latency.count() > 0 || drop_rate > 0 || rate_limit > 0;
  }
};

/// The knobs as JSON: active (any()), error_rate, error_status, retry_after (seconds),
/// latency_ms, drop_rate, drop_when, rate_limit.
SNE_EXPORT Json to_json(const SandboxFaults& faults);
/// Changes to SandboxFaults; absent members stay as they are. `off` clears every knob first.
struct SandboxFaultsChange {
  /// Clears every knob before the others are applied.
  bool off = false;
  /// New SandboxFaults::error_rate.
  std::optional<double> error_rate;
  /// New SandboxFaults::error_status.
  std::optional<int> error_status;
  /// New SandboxFaults::retry_after.
  std::optional<std::chrono::seconds> retry_after;
  /// New SandboxFaults::latency.
  std::optional<std::chrono::milliseconds> latency;
  /// New SandboxFaults::drop_rate.
  std::optional<double> drop_rate;
  /// New SandboxFaults::drop_when.
  std::optional<SandboxDrop> drop_when;
  /// New SandboxFaults::rate_limit.
  std::optional<double> rate_limit;
};

/// The fault knobs of the sandbox at `path` (created and seeded if missing), after applying
/// `change` in one transaction. invalid_input, naming the member ("error_rate"), for a value
/// out of range; nothing is changed then.
SNE_EXPORT Result<SandboxFaults> sandbox_faults(const std::string& path,
                                                const SandboxFaultsChange& change = {});

/// What SandboxServer::start() serves and where: the database, a loopback address, its limits.
struct SandboxServerOptions {
  std::string db_path;               ///< the database served (created and seeded if missing)
  std::string host = "127.0.0.1";    ///< loopback only: 127.0.0.1, ::1 or localhost
  int port = 0;                      ///< 0: a free port chosen by the system
  std::size_t max_body = 16u << 20;  ///< bigger request bodies are refused with 413
  int threads = 4;                   ///< requests served at once
};

/// The address to listen on as a user writes it, HOST:PORT: a loopback host (127.0.0.1, ::1,
/// [::1] or localhost) and a port from 0 (any free port) to 65535. Errors: invalid_input with
/// the subject "listen", whose message begins with "listen '...'" for a text that is no
/// HOST:PORT or a port out of range, and says "loopback only" for another host. The other
/// members of the options keep their defaults.
SNE_EXPORT Result<SandboxServerOptions> parse_sandbox_listen(std::string_view listen);

/// The sandbox over HTTP/1.1. start() returns once the socket listens.
class SNE_EXPORT SandboxServer {
 public:
  /// Opens the database (created and seeded if missing) and listens. invalid_input for a host
  /// that is not loopback or a port out of range; the error of opening the database or of
  /// binding the port (taken by another server) otherwise.
  static Result<std::unique_ptr<SandboxServer>> start(const SandboxServerOptions& options);
  virtual ~SandboxServer() = default;
  /// The port actually bound.
  virtual int port() const noexcept = 0;
  /// "http://127.0.0.1:PORT"
  virtual std::string url() const = 0;
  /// Stops accepting, finishes requests under way; safe from any thread, idempotent.
  virtual void stop() = 0;
  /// Blocks until stop() has completed.
  virtual void wait() = 0;
};

}  // namespace sne
