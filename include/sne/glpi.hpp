/// @file
/// Support tickets in GLPI, the SNE's help desk, through GLPI's REST API
/// (the legacy `apirest.php` of GLPI 10 and 11).
///
/// A Glpi object holds one GLPI session: opened on the first call with the App-Token and a
/// user token (or login and password), sent as Session-Token on every later call, opened once
/// more when GLPI says it expired, and closed with killSession by close() or the destructor.
/// Text goes in as plain text (escaped into the HTML that GLPI stores) and comes back as plain
/// text too: GLPI 10's HTML-encoding is asked away (X-GLPI-Sanitized-Content: false) and
/// decoded anyway. A GLPI refusal ([CODE, message]) becomes an Error whose remote_code() is
/// GLPI's code ("ERROR_SESSION_TOKEN_INVALID").
///
/// Endpoints: "sandbox" and "sandbox:PATH" reach the GLPI of the embedded sandbox, in process;
/// "http(s)://HOST/PATH/apirest.php" a real GLPI ("/apirest.php" is added when the URL does not
/// end with it; plain http only on loopback, as for the SNE services).
///
/// Thread safety: a Glpi is used by one thread at a time.
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
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/pli.hpp"
#include "sne/service.hpp"
#include "sne/tracking.hpp"

namespace sne {

/// Attachments larger than this are refused before anything is sent (GLPI's own limit is set
/// by its administrator; 10 MiB is the SNE's limit for a piece).
inline constexpr std::uint64_t kDefaultGlpiMaxAttachment = std::uint64_t{10} << 20;

/// How to reach one GLPI and sign in to it (open_glpi()): either user_token, or login and
/// password. Tokens and passwords are secrets: never print or log them.
struct GlpiOptions {
  std::string url = "sandbox";  ///< see the header comment
  std::string app_token;        ///< the API client's App-Token; may be empty if GLPI asks none
  std::string user_token;       ///< the user's personal API token, or:
  std::string login;            ///< login and password (HTTP Basic), when no user token
  /// The password that goes with `login`; secret: never print or log it.
  std::string password;
  std::string cacert;  ///< an extra CA bundle (PEM) for https
  /// Longest wait for a connection to GLPI.
  std::chrono::milliseconds connect_timeout{10000};
  /// A transfer that makes no progress for this long is abandoned (a network error).
  std::chrono::milliseconds stall_timeout{30000};
  /// Retries of GET and DELETE only: GLPI has no idempotency keys, so a creation is never sent
  /// twice (a lost answer could otherwise make two tickets).
  RetryPolicy retry;
  /// Largest file attach() sends, in bytes (see kDefaultGlpiMaxAttachment).
  std::uint64_t max_attachment = kDefaultGlpiMaxAttachment;
  /// One line per HTTP exchange, tokens redacted (see ServiceOptions::debug_log).
  std::function<void(std::string_view)> debug_log;
};

/// An ITIL category, the reason of a ticket.
struct GlpiCategory {
  /// GLPI's id of the category (`itilcategories_id` of a ticket).
  std::int64_t id = 0;
  std::string name;          ///< "Pièce justificative refusée"
  std::string completename;  ///< "SNE > Pièces justificatives > Pièce justificative refusée"
  /// Id of the parent category; 0 at the top.
  std::int64_t parent_id = 0;
  /// Depth in the tree of categories, 1 at the top.
  int level = 1;
  /// Shown in GLPI's simplified (helpdesk) interface.
  bool helpdesk_visible = true;
  /// May be chosen for an incident.
  bool incident = true;
  /// May be chosen for a request.
  bool request = true;
};

/// GLPI's ticket types, numbered as GLPI numbers them.
enum class TicketType { incident = 1, request = 2 };
/// @var TicketType::incident
/// Something does not work (GLPI's type 1).
/// @var TicketType::request
/// A demand for a change or a service (GLPI's type 2).

/// "incident", "request".
SNE_EXPORT std::string_view to_string(TicketType type) noexcept;
/// The type of that name ("incident", "request"); nullopt for any other.
SNE_EXPORT std::optional<TicketType> parse_ticket_type(std::string_view name) noexcept;

/// GLPI's ticket statuses.
enum class TicketStatus {
  /// New: nobody has taken it yet (GLPI's "new", status 1).
  incoming = 1,
  /// Being processed, assigned to a technician.
  assigned = 2,
  /// Being processed, planned.
  planned = 3,
  /// Pending: waiting for an answer, often the user's.
  waiting = 4,
  /// Solved: the user may still reopen it.
  solved = 5,
  /// Closed.
  closed = 6
};
/// "new", "assigned", "planned", "pending", "solved", "closed".
SNE_EXPORT std::string_view to_string(TicketStatus status) noexcept;
/// The status as GLPI's French interface names it: "Nouveau", "En cours (attribué)",
/// "En cours (planifié)", "En attente", "Résolu", "Clos".
SNE_EXPORT std::string_view ticket_status_label(TicketStatus status) noexcept;
/// The status of that name (to_string) or French label (ticket_status_label), ignoring case
/// and accents' absence ("resolu"), or of that number ("5"); nullopt for any other.
SNE_EXPORT std::optional<TicketStatus> parse_ticket_status(std::string_view name) noexcept;
/// Whether a ticket of that status is still open: neither solved nor closed.
constexpr bool is_open(TicketStatus status) noexcept { return status < TicketStatus::solved; }

/// A GLPI ticket as the user sees it.
struct Ticket {
  /// GLPI's id of the ticket.
  std::int64_t id = 0;
  std::string title;  ///< GLPI's `name`
  std::string text;   ///< `content` as plain text
  /// Where the ticket stands in GLPI.
  TicketStatus status = TicketStatus::incoming;
  TicketType type = TicketType::incident;  ///< a type GLPI numbers otherwise reads as incident
  /// GLPI's urgency, 1 (very low) to 5 (very high).
  int urgency = 3;
  std::int64_t category_id = 0;  ///< 0: none
  std::string category;          ///< its complete name, when GLPI gave it
  /// As GLPI writes them ("2025-04-18 09:30:00"), in the GLPI server's time zone, which its
  /// API does not say.
  std::string date;
  /// When the ticket last changed, in the same form as `date`.
  std::string date_mod;
};

/// A follow-up of a ticket: a message added by the user or a technician.
struct TicketFollowup {
  /// GLPI's id of the follow-up.
  std::int64_t id = 0;
  /// When it was written, as GLPI writes dates (see Ticket::date).
  std::string date;
  std::string text;  ///< plain text
  /// Private follow-ups are visible to technicians only.
  bool is_private = false;
  /// GLPI's id of its author.
  std::int64_t user_id = 0;
};

/// A document attached to a ticket.
struct TicketDocument {
  /// GLPI's id of the document.
  std::int64_t id = 0;
  /// The document's name in GLPI.
  std::string name;
  /// The file name as uploaded.
  std::string filename;
  /// The MIME type GLPI recorded ("application/pdf").
  std::string mime;
};

/// A ticket with everything attached to it (Glpi::ticket()).
struct TicketDetail {
  /// The ticket itself.
  Ticket ticket;
  std::vector<TicketFollowup> followups;  ///< oldest first
  /// Its attached documents.
  std::vector<TicketDocument> documents;
};

/// A new ticket, as Glpi::create_ticket() sends it.
struct TicketInput {
  /// The ticket's title (GLPI's `name`); required.
  std::string title;
  std::string body;  ///< plain text; lines and paragraphs are kept
  /// The ITIL category (GlpiCategory::id); 0: none.
  std::int64_t category_id = 0;
  /// Incident or request.
  TicketType type = TicketType::incident;
  int urgency = 3;  ///< 1 (very low) to 5 (very high)
};

/// A page of the user's tickets, newest change first.
struct TicketList {
  /// The tickets of the page, newest change first.
  std::vector<Ticket> items;
  std::size_t total = 0;  ///< tickets the user has in all
};

/// The search options of GLPI's Ticket that sne uses (`GET listSearchOptions/Ticket`): the
/// `field` of a search criterion, the keys of a search's rows.
enum class TicketField {
  title = 1,      ///< name
  id = 2,         ///< id
  category = 7,   ///< itilcategories_id (rows show its complete name)
  urgency = 10,   ///< urgency
  status = 12,    ///< status; `equals` also takes "notold", "old", "notclosed", "process", "all"
  type = 14,      ///< type
  date = 15,      ///< opening date
  date_mod = 19,  ///< last update
  content = 21,   ///< description
};

/// One criterion of GLPI's search engine (`criteria[N][...]` of `search/Ticket`).
struct GlpiCriterion {
  /// "AND", "OR", "AND NOT", "OR NOT"; ignored on the first criterion.
  std::string link = "AND";
  /// The search option searched.
  TicketField field = TicketField::status;
  /// "equals", "notequals", "contains", "notcontains", "morethan", "lessthan", "under".
  std::string searchtype = "equals";
  /// The value, as GLPI takes it: a number, a date "2025-04-18 00:00:00", a text.
  std::string value;
};

/// A page of a ticket search: criteria, the columns wanted, the rows of the page, the order.
struct GlpiSearch {
  /// The criteria, linked in order. None: GLPI's default search, which leaves out solved and
  /// closed tickets; ticket_search() always gives one.
  std::vector<GlpiCriterion> criteria;
  /// Columns wanted beside those GLPI always gives (id and title).
  std::vector<TicketField> columns;
  std::size_t start = 0;  ///< the first row of the page, from 0
  /// Rows asked for the page (GLPI's `range` is start to start + count - 1); at least 1.
  std::size_t count = 50;
  /// The column the rows are sorted by.
  TicketField sort = TicketField::date_mod;
  bool descending = true;  ///< the latest first
};

/// The query string of a search, as GLPI's API reads it: `criteria[0][link]=AND&criteria[0]
/// [field]=12&...&forcedisplay[0]=15&range=0-49&sort=19&order=DESC`, values percent-encoded.
SNE_EXPORT std::string glpi_search_query(const GlpiSearch& search);

/// Which tickets `sne ticket list` shows.
struct TicketFilter {
  /// "all" (default), "open" (neither solved nor closed), "old" (solved or closed), or one
  /// status by name, French label or number (parse_ticket_status).
  std::string status = "all";
  /// A category by name or complete name (Glpi::category): tickets of it and of the
  /// categories under it. Empty: any.
  std::string category;
  /// Tickets opened on or after that day ("2025-04-18") or instant ("2025-04-18 09:30:00"),
  /// in the GLPI server's time. Empty: any.
  std::string since;
  /// Tickets drafted from the pli of that transaction (their text names it, as
  /// ticket_from_pli writes it: "Transaction : T"). Empty: any.
  std::string pli;
};

/// The search of a filter, `category_id` being its category resolved (0: none): one criterion
/// per condition, always one on the status (so that GLPI's default, open tickets only, never
/// applies), the columns a Ticket needs (and the text when the filter names a pli), the latest
/// change first. invalid_input naming "status", "since" or "pli" when one is malformed.
SNE_EXPORT Result<GlpiSearch> ticket_search(const TicketFilter& filter, std::int64_t category_id);

/// Whether the text of a ticket names the pli of `transaction` on a line of its own, as
/// ticket_from_pli writes it ("Transaction : T"), so that T1 is not mistaken for T12.
SNE_EXPORT bool ticket_names_pli(const Ticket& ticket, std::string_view transaction);

/// Among the tickets of a pli, the open one (is_open) a new ticket about that pli would
/// duplicate: the latest opened (highest id). nullopt when all are solved or closed.
SNE_EXPORT std::optional<Ticket> open_duplicate(const std::vector<Ticket>& tickets);

/// The outcome of one follow-up of a bulk add.
struct FollowupResult {
  /// The ticket the follow-up was for.
  std::int64_t ticket = 0;
  std::int64_t id = 0;  ///< 0 when GLPI refused it
  std::string message;  ///< GLPI's, when it refused it
};

/// A client of GLPI's REST API, holding one session (see the header comment). Made by
/// open_glpi() or Connection::glpi().
class SNE_EXPORT Glpi {
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

  /// The largest file attach() sends (GlpiOptions::max_attachment), against which
  /// submit_ticket() and attach_files() check every file before anything is created.
  virtual std::uint64_t max_attachment() const noexcept { return kDefaultGlpiMaxAttachment; }

  /// Closes the session (killSession), if one is open.
  virtual Status close() = 0;
};

/// One ticket without its follow-ups and documents (what a watch polls); not_found when absent
/// or not the user's.
///
/// This function and the three below are free functions rather than members of Glpi, whose
/// virtual functions are part of libsne's ABI: they work on the clients that open_glpi() and
/// Connection::glpi() make, and are an internal error on any other implementation of Glpi.
SNE_EXPORT Result<Ticket> ticket_summary(Glpi& glpi, std::int64_t id);
/// One page of GLPI's search engine over tickets (`search/Ticket`), GLPI's total of rows
/// matching beside it; rows that GLPI gave without their id are left out.
SNE_EXPORT Result<TicketList> search_tickets(Glpi& glpi, const GlpiSearch& search);
/// Adds a solution to a ticket (ITILSolution); GLPI makes the ticket solved (or closed at once
/// when its entity closes solved tickets without delay). Returns its id; GLPI refuses one on a
/// ticket already solved or closed, or from a user who may not solve it.
SNE_EXPORT Result<std::int64_t> add_solution(Glpi& glpi, std::int64_t ticket,
                                             std::string_view text);
/// Approves the solution of a solved ticket, which closes it: a follow-up with GLPI's
/// `add_close` (`text`, or GLPI's "Solution approved" when empty). On a ticket not solved, GLPI
/// adds the follow-up and closes nothing. Returns the follow-up's id.
SNE_EXPORT Result<std::int64_t> approve_solution(Glpi& glpi, std::int64_t ticket,
                                                 std::string_view text);

/// Tickets of a filter, the latest change first, page after page of GLPI's search (each page
/// of `page_size` rows); at most `max` (0: all). The category is resolved first (Glpi::category:
/// invalid_input with subject "category" when unknown). TicketList::total is GLPI's count, or,
/// with a pli, the count of tickets whose text names it.
SNE_EXPORT Result<TicketList> find_tickets(Glpi& glpi, const TicketFilter& filter, std::size_t max,
                                           std::size_t page_size = 200);

/// Whether a new ticket about the pli of `transaction` would duplicate an open one: Status()
/// when the pli has no ticket, or only solved and closed ones (find_tickets, open_duplicate);
/// a conflict with subject "pli" naming the open ticket (its number, title and status)
/// otherwise; the error of the search when GLPI cannot be searched.
SNE_EXPORT Status check_pli_duplicate(Glpi& glpi, std::string_view transaction);

/// What close_ticket() did.
struct ClosedTicket {
  /// The ticket as it stands at the end.
  Ticket ticket;
  /// The solution added; 0 when the ticket was solved already (the text then went with the
  /// approval).
  std::int64_t solution = 0;
  /// The follow-up approving the solution; 0 when GLPI closed the ticket with its solution.
  std::int64_t approval = 0;
};

/// Solves and closes a ticket: its solution (add_solution()), then, when GLPI left it
/// solved, the approval that closes it (approve_solution()). A ticket already solved only
/// gets the approval, with `solution` as its text. invalid_input (subject "solution") for a
/// blank text; conflict (subject "id") for a ticket already closed; GLPI's refusal otherwise.
/// The ticket may end solved and not closed when GLPI will not let this user approve it.
SNE_EXPORT Result<ClosedTicket> close_ticket(Glpi& glpi, std::int64_t id,
                                             std::string_view solution);

/// A ticket seen by watch_ticket(): first sighting (`previous` empty) or a change of status.
struct TicketWatchEvent {
  /// The ticket as seen in this round.
  Ticket ticket;
  /// Its status before this change; nullopt on the first sighting.
  std::optional<TicketStatus> previous;
};

/// How a ticket watch ended, and the ticket's last state.
struct TicketWatchResult {
  /// complete: solved or closed; timeout; cancelled.
  WatchOutcome outcome = WatchOutcome::complete;
  Ticket ticket;  ///< as last seen
  /// Rounds of polling made.
  std::size_t rounds = 0;
};

/// Polls a ticket (ticket_summary()) until it is solved or closed, as watch_plis() polls
/// plis (WatchOptions: first wait doubling while nothing changes, timeout, cancellation,
/// transient failures retried and told to on_retry), calling `on_event` on the first state
/// and on every change of status. An unknown ticket, or an error retrying cannot cure,
/// ends the watch with that error.
SNE_EXPORT Result<TicketWatchResult> watch_ticket(
    Glpi& glpi, std::int64_t id, const WatchOptions& options,
    const std::function<void(const TicketWatchEvent&)>& on_event);

/// Whether the file at `path` may be attached: a readable regular file of at most
/// `max_bytes`. io naming the file when it cannot be opened (missing, not permitted), as every
/// reader of a user's file says it; invalid_input when it is not a regular file or too large.
/// Glpi::attach() checks it too; callers check every file before creating a ticket, so that no
/// ticket is left without its files.
SNE_EXPORT Status check_glpi_attachment(const std::string& path,
                                        std::uint64_t max_bytes = kDefaultGlpiMaxAttachment);

/// A GLPI URL spelt out in full, as Glpi::url() gives it and as credentials are stored under:
/// "https://host/glpi/apirest.php", "sandbox:/home/a/.local/share/sne/sandbox.db".
SNE_EXPORT Result<std::string> glpi_canonical_url(std::string_view url, const Paths& paths);

/// Opens a GLPI client; no request is sent before the first call. invalid_input for a bad URL
/// or missing credentials (naming what is missing).
SNE_EXPORT Result<std::unique_ptr<Glpi>> open_glpi(const GlpiOptions& options, const Paths& paths);

/// A ticket prepared from a pli, for the user to send (or amend).
struct TicketDraft {
  /// The ticket's title: the pli's transaction and what went wrong.
  std::string title;
  /// The ticket's text: the pli, its deadline and its pieces, in French plain text.
  std::string body;
  /// The category its situation calls for: kGlpiCategoryDelay when the pli is overdue,
  /// kGlpiCategoryRejected when pieces or the dossier were rejected; empty otherwise (the
  /// user chooses).
  std::string category;
};

/// The category of a pli still being processed after its deadline (DOMAIN.md: "temps de
/// traitement d'une PJ supérieur au temps annoncé").
inline constexpr const char* kGlpiCategoryDelay =
    "Temps de traitement d'une PJ supérieur au temps annoncé";
/// The category of a pli whose pieces, or whose dossier, were rejected.
inline constexpr const char* kGlpiCategoryRejected = "Pièce justificative refusée";

/// Title, body and category from a pli and its deadline (see pli_sla()): numéro unique,
/// transaction, guichet, dates, status, the deadline and the delay, each piece with its
/// outcome, and the reasons of the rejected ones.
SNE_EXPORT TicketDraft ticket_from_pli(const Pli& pli, const PliSla& sla);

/// The draft of a ticket about the pli of that transaction, as the service sees it now: the
/// pli fetched, its deadline judged on the service's clock (Service::server_time()). The
/// service's error when the pli cannot be read (not_found for an unknown transaction).
SNE_EXPORT Result<TicketDraft> ticket_from_pli(Service& service, const std::string& transaction);

/// A ticket as a user asks for it: what they gave, left empty where a draft
/// (ticket_from_pli) is to fill it in.
struct TicketRequest {
  std::string title;  ///< empty: the draft's
  /// Plain text. The draft's body follows it after a blank line, or stands alone when this
  /// one is blank.
  std::string body;
  std::string category;  ///< a name or complete name, any case (Glpi::category); empty: the draft's
  /// Incident or request.
  TicketType type = TicketType::incident;
  int urgency = 3;                       ///< 1 (very low) to 5 (very high)
  std::string pli;                       ///< the transaction of the pli it is about; empty: none
  std::vector<std::string> attachments;  ///< files attached once the ticket exists
};

/// `request` with what it leaves empty taken from `draft` (null: no draft): the title, the
/// category, the body after the user's text. invalid_input when no title results (subject
/// "title") or no category (subject "category"; the message says so when the pli of the
/// request is neither overdue nor rejected, as its draft then names no category).
SNE_EXPORT Result<TicketRequest> complete_ticket(TicketRequest request, const TicketDraft* draft);

/// The outcome of one file of a batch attached to a ticket: a document or an error.
struct AttachOutcome {
  /// The file, as given.
  std::string path;
  std::optional<TicketDocument> document;  ///< when attached
  std::optional<Error> error;              ///< why not, when not
};

/// Files attached to one ticket, one outcome per file in the order given.
struct SNE_EXPORT AttachReport {
  /// The ticket the files were attached to.
  std::int64_t ticket = 0;
  /// One outcome per file, in the order given.
  std::vector<AttachOutcome> files;
  std::size_t attached() const noexcept;  ///< outcomes with a document
  std::size_t failed() const noexcept;    ///< outcomes with an error
};

/// A ticket made by submit_ticket().
struct CreatedTicket {
  /// GLPI's id of the new ticket.
  std::int64_t id = 0;
  /// Its title.
  std::string title;
  /// The category it was filed under, resolved from the request's name.
  GlpiCategory category;
  std::string pli;  ///< TicketRequest::pli
  /// What became of each file of TicketRequest::attachments.
  AttachReport attachments;
};

/// Creates the ticket of a complete request (see complete_ticket), then attaches its files.
/// Before anything is created, every file is checked (check_glpi_attachment, the error naming
/// the file) and the category resolved (Glpi::category: an unknown or ambiguous name is
/// invalid_input with subject "category"). It opens a ticket about a pli whatever the pli's
/// other tickets: check_pli_duplicate() first refuses a second one while the first is open.
/// Once the ticket exists no error undoes it: a file that cannot be attached is an outcome, and
/// the next files are still sent.
SNE_EXPORT Result<CreatedTicket> submit_ticket(Glpi& glpi, const TicketRequest& request);

/// Whether an error of Glpi::attach() ends a batch of files for one ticket: the ticket is
/// not there (not_found), a credential is refused (unauthenticated) or GLPI cannot be reached
/// (network), as every file after it would fail alike. A refused file does not.
SNE_EXPORT bool stops_attach_batch(const Error& error) noexcept;

/// Attaches files to an existing ticket one after the other. Every file is checked first
/// (check_glpi_attachment): the first that fails is the error, before anything is sent.
/// `on_file` (may be empty) sees each outcome as it comes. The first error that
/// stops_attach_batch() ends the batch and is the result: the files attached before it stay
/// attached (and `on_file` saw them).
SNE_EXPORT Result<AttachReport> attach_files(
    Glpi& glpi, std::int64_t ticket, const std::vector<std::string>& paths,
    const std::function<void(const AttachOutcome&)>& on_file = {});

/// Proves the credentials of `glpi`, as `sne ticket login` does before storing them: opens a
/// session, reads the categories, closes the session. The error of the first step that
/// fails (refused tokens: unauthenticated, subject "glpi_user_token" or "glpi_app_token").
/// Give it a Glpi just opened (open_glpi): a client keeps the categories it has read, so on one
/// that has already listed them the check sends nothing and proves nothing.
SNE_EXPORT Status check_glpi_credentials(Glpi& glpi);

/// The documents `sne ticket ... --json` writes, one shape per record. Members in this order:
/// {id, name, completename, parent_id, level, helpdesk_visible, incident, request}
SNE_EXPORT Json to_json(const GlpiCategory& category);
/// {id, title, status, status_code, status_label, type, urgency, category_id, category, date,
/// date_mod, text}
SNE_EXPORT Json to_json(const Ticket& ticket);
/// {id, name, filename, mime}
SNE_EXPORT Json to_json(const TicketDocument& document);
/// {id, date, text, is_private, user_id}
SNE_EXPORT Json to_json(const TicketFollowup& followup);
/// The ticket's members, then {followups, documents}.
SNE_EXPORT Json to_json(const TicketDetail& detail);
/// {ticket, followup}, or {ticket, followup: null, error} when GLPI refused it.
SNE_EXPORT Json to_json(const FollowupResult& result);
/// {ticket, attachments: [document...], failed: [{file, error}...]}
SNE_EXPORT Json to_json(const AttachReport& report);
/// {id, title, category (its complete name), category_id, pli (null: none), attachments,
/// failed}
SNE_EXPORT Json to_json(const CreatedTicket& ticket);
/// The ticket's members (to_json(Ticket)), then {solution, approval, closed}.
SNE_EXPORT Json to_json(const ClosedTicket& closed);
/// A change seen by watch_ticket (a line of `sne ticket watch --jsonl`): {id, title, status,
/// status_code, status_label, previous (null on a first sighting), date_mod}.
SNE_EXPORT Json to_json(const TicketWatchEvent& event);
/// The end of a watch: {outcome, rounds, ticket}.
SNE_EXPORT Json to_json(const TicketWatchResult& result);

}  // namespace sne
