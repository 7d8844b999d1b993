// sne/glpi.hpp - support tickets in GLPI, the SNE's help desk, through GLPI's REST API
// (the legacy `apirest.php` of GLPI 10 and 11).
//
// A Glpi object holds one GLPI session: opened on the first call with the App-Token and a
// user token (or login and password), sent as Session-Token on every later call, opened once
// more when GLPI says it expired, and closed with killSession by close() or the destructor.
// Text goes in as plain text (escaped into the HTML that GLPI stores) and comes back as plain
// text too: GLPI 10's HTML-encoding is asked away (X-GLPI-Sanitized-Content: false) and
// decoded anyway. A GLPI refusal ([CODE, message]) becomes an Error whose remote_code() is
// GLPI's code ("ERROR_SESSION_TOKEN_INVALID").
//
// Endpoints: "sandbox" and "sandbox:PATH" reach the GLPI of the embedded sandbox, in process;
// "http(s)://HOST/PATH/apirest.php" a real GLPI ("/apirest.php" is added when the URL does not
// end with it; plain http only on loopback, as for the SNE services).
//
// Thread safety: a Glpi is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/config.hpp"
#include "sne/error.hpp"
#include "sne/pli.hpp"
#include "sne/service.hpp"
#include "sne/tracking.hpp"

namespace sne {

/// Attachments larger than this are refused before anything is sent (GLPI's own limit is set
/// by its administrator; 10 MiB is the SNE's limit for a piece).
inline constexpr std::uint64_t kDefaultGlpiMaxAttachment = std::uint64_t{10} << 20;

struct GlpiOptions {
  std::string url = "sandbox";  ///< see the header comment
  std::string app_token;        ///< the API client's App-Token; may be empty if GLPI asks none
  std::string user_token;       ///< the user's personal API token, or:
  std::string login;            ///< login and password (HTTP Basic), when no user token
  std::string password;
  std::string cacert;  ///< an extra CA bundle (PEM) for https
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds stall_timeout{30000};
  /// Retries of GET and DELETE only: GLPI has no idempotency keys, so a creation is never sent
  /// twice (a lost answer could otherwise make two tickets).
  RetryPolicy retry;
  std::uint64_t max_attachment = kDefaultGlpiMaxAttachment;
  /// One line per HTTP exchange, tokens redacted (see ServiceOptions::debug_log).
  std::function<void(std::string_view)> debug_log;
};

/// An ITIL category, the reason of a ticket.
struct GlpiCategory {
  std::int64_t id = 0;
  std::string name;          ///< "Pièce justificative refusée"
  std::string completename;  ///< "SNE > Pièces justificatives > Pièce justificative refusée"
  std::int64_t parent_id = 0;
  int level = 1;
  bool helpdesk_visible = true;
  bool incident = true;
  bool request = true;
};

/// GLPI's ticket statuses.
enum class TicketStatus {
  incoming = 1,
  assigned = 2,
  planned = 3,
  waiting = 4,
  solved = 5,
  closed = 6
};
/// "new", "assigned", "planned", "pending", "solved", "closed".
std::string_view to_string(TicketStatus status) noexcept;

struct Ticket {
  std::int64_t id = 0;
  std::string title;  ///< GLPI's `name`
  std::string text;   ///< `content` as plain text
  TicketStatus status = TicketStatus::incoming;
  int type = 1;  ///< 1 incident, 2 request
  int urgency = 3;
  std::int64_t category_id = 0;  ///< 0: none
  std::string category;          ///< its complete name, when GLPI gave it
  /// As GLPI writes them ("2025-04-18 09:30:00"), in the GLPI server's time zone, which its
  /// API does not say.
  std::string date;
  std::string date_mod;
};

struct TicketFollowup {
  std::int64_t id = 0;
  std::string date;
  std::string text;  ///< plain text
  bool is_private = false;
  std::int64_t user_id = 0;
};

struct TicketDocument {
  std::int64_t id = 0;
  std::string name;
  std::string filename;
  std::string mime;
};

struct TicketDetail {
  Ticket ticket;
  std::vector<TicketFollowup> followups;  ///< oldest first
  std::vector<TicketDocument> documents;
};

struct TicketInput {
  std::string title;
  std::string body;  ///< plain text; lines and paragraphs are kept
  std::int64_t category_id = 0;
  int type = 1;     ///< 1 incident, 2 request
  int urgency = 3;  ///< 1 (very low) to 5 (very high)
};

/// A page of the user's tickets, newest change first.
struct TicketList {
  std::vector<Ticket> items;
  std::size_t total = 0;  ///< tickets the user has in all
};

/// The outcome of one follow-up of a bulk add.
struct FollowupResult {
  std::int64_t ticket = 0;
  std::int64_t id = 0;  ///< 0 when GLPI refused it
  std::string message;  ///< GLPI's, when it refused it
};

class Glpi {
 public:
  /// Closes the session if one is open (errors ignored: call close() to see them).
  virtual ~Glpi() = default;

  /// The URL in use, in full ("https://support.example.org/apirest.php", "sandbox:/...").
  virtual const std::string& url() const noexcept = 0;

  /// Every category the user may see.
  virtual Result<std::vector<GlpiCategory>> categories() = 0;
  /// The category whose completename, or else name, equals `name`, ignoring case and runs of
  /// spaces: invalid_input naming the closest ones when none does, or listing the candidates
  /// when several have that name.
  virtual Result<GlpiCategory> category(std::string_view name) = 0;

  /// Creates a ticket; returns its id. invalid_input for an empty title.
  virtual Result<std::int64_t> create_ticket(const TicketInput& input) = 0;
  /// The user's tickets, newest change first; at most `max` (0: all, page after page).
  virtual Result<TicketList> tickets(std::size_t max) = 0;
  /// One ticket with its follow-ups and documents; not_found when absent or not the user's.
  virtual Result<TicketDetail> ticket(std::int64_t id) = 0;
  /// Adds a follow-up to a ticket; returns its id.
  virtual Result<std::int64_t> add_followup(std::int64_t ticket, std::string_view text) = 0;
  /// Adds the same follow-up to several tickets in one request. When GLPI accepts only some
  /// (HTTP 207, ERROR_GLPI_PARTIAL_ADD) the result lists each outcome; when it refuses all of
  /// them, an Error.
  virtual Result<std::vector<FollowupResult>> add_followups(
      const std::vector<std::int64_t>& tickets, std::string_view text) = 0;
  /// Uploads the file at `path` and links it to the ticket. Refused before sending when it
  /// is not a readable regular file or is over GlpiOptions::max_attachment; when GLPI refuses
  /// the upload itself (upload_result), the empty document it made anyway is purged and the
  /// error carries GLPI's reason.
  virtual Result<TicketDocument> attach(std::int64_t ticket, const std::string& path) = 0;

  /// Closes the session (killSession), if one is open.
  virtual Status close() = 0;
};

/// Whether the file at `path` may be attached: a readable regular file of at most
/// `max_bytes`; invalid_input naming the file otherwise. Glpi::attach() checks it too; callers
/// check every file before creating a ticket, so that no ticket is left without its files.
Status check_glpi_attachment(const std::string& path,
                             std::uint64_t max_bytes = kDefaultGlpiMaxAttachment);

/// A GLPI URL spelt out in full, as Glpi::url() gives it and as credentials are stored under:
/// "https://host/glpi/apirest.php", "sandbox:/home/a/.local/share/sne/sandbox.db".
Result<std::string> glpi_canonical_url(std::string_view url, const Paths& paths);

/// Opens a GLPI client; no request is sent before the first call. invalid_input for a bad URL
/// or missing credentials (naming what is missing).
Result<std::unique_ptr<Glpi>> open_glpi(const GlpiOptions& options, const Paths& paths);

/// A ticket prepared from a pli, for the user to send (or amend).
struct TicketDraft {
  std::string title;
  std::string body;
  /// The category its situation calls for: kGlpiCategoryDelay when the pli is overdue,
  /// kGlpiCategoryRejected when pieces or the dossier were rejected; empty otherwise (the
  /// user chooses).
  std::string category;
};

inline constexpr const char* kGlpiCategoryDelay =
    "Temps de traitement d'une PJ supérieur au temps annoncé";
inline constexpr const char* kGlpiCategoryRejected = "Pièce justificative refusée";

/// Title, body and category from a pli and its deadline (see pli_sla()): numéro unique,
/// transaction, guichet, dates, status, the deadline and the delay, each piece with its
/// outcome, and the reasons of the rejected ones.
TicketDraft ticket_from_pli(const Pli& pli, const PliSla& sla);

}  // namespace sne
