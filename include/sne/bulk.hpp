/// @file
/// Sending a whole manifest of pieces, resumably, in parallel.
///
/// A manifest lists one pli per row (CSV or JSON Lines). ManifestReader reads it as a stream,
/// one row at a time, so that memory does not grow with the number of rows. check_manifest()
/// validates and preflights every row and asks the service what it would refuse, sending
/// nothing; send_manifest() sends every row as one pli, recording each row's progress in a
/// journal (SQLite) so that running it again resumes: done rows are skipped, unfinished ones
/// retried, and the idempotency key of each row, written to the journal before the first
/// request that carries it, makes a kill at any instant harmless.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sne/catalog.hpp"
#include "sne/config.hpp"
#include "sne/date.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/inspect.hpp"
#include "sne/json.hpp"
#include "sne/service.hpp"

/// The bulk engine of `sne bulk` (library sne::bulk, libsne_bulk.so): manifests, journals,
/// reports, check_manifest() and send_manifest().
namespace sne::bulk {

// ---- manifest -----------------------------------------------------------------------------

/// The syntax of a manifest or report file, chosen by its extension.
enum class ManifestFormat { csv, jsonl };
/// @var ManifestFormat::csv
/// RFC 4180 CSV with a header row (any extension but ".jsonl" and ".ndjson").
/// @var ManifestFormat::jsonl
/// JSON Lines: one object per line (".jsonl", ".ndjson").

/// One row of a manifest: one pli to send.
struct ManifestRow {
  std::size_t row = 0;   ///< 1-based number of the data row (the header is not counted)
  std::size_t line = 0;  ///< 1-based line of the file where the row starts
  /// The demande the pli goes to, as written (a malformed numéro is the row's `error`).
  std::string numero_unique;
  /// The piece type's code in the catalog ("avis_imposition").
  std::string type;
  /// Paths as written in the manifest, and resolved against the manifest's folder.
  std::vector<std::string> files_written;
  /// The same paths, resolved against the manifest's folder: the files that are read.
  std::vector<std::string> files;
  std::string contexte;  ///< as written; empty: "ajout"
  /// Issue date of the piece, when its type's validity rule asks for one.
  std::optional<Date> date_emission;
  /// Expiry date of the piece (identity documents, titres de séjour).
  std::optional<Date> date_expiration;
  /// Year of the revenues, for an avis d'imposition.
  std::optional<int> annee_revenus;
  bool pack = false;  ///< the row's images are packed into one PDF piece first
  /// The pli's idempotency key, as written; empty: derived from what is sent (sne/send.hpp).
  std::string idempotency_key;
  /// What is wrong with the row as written (a missing field, a malformed date): the row is a
  /// permanent failure, and reading goes on with the next row.
  std::optional<Error> error;
};

/// Reads a manifest one row at a time. CSV: RFC 4180 (quoted fields, doubled quotes, line
/// breaks inside quotes), a header row whose columns come in any order (unknown columns are
/// ignored, so that a report is a valid manifest), an optional UTF-8 BOM, CRLF or LF; `files`
/// holds paths separated by '|'. JSON Lines (".jsonl"): one object per line, `files` an array of
/// strings (a single string is accepted); blank lines are skipped. Columns: numero_unique, type,
/// files (required), contexte, date_emission, date_expiration, annee_revenus, pack (yes/no,
/// true/false, 1/0), idempotency_key.
class SNE_EXPORT ManifestReader {
 public:
  virtual ~ManifestReader() = default;
  /// Opens `path`; the format follows the extension (".jsonl" or ".ndjson": JSON Lines,
  /// anything else: CSV). Errors: io when unreadable; invalid_input for a CSV header that lacks
  /// a required column or repeats one.
  static Result<std::unique_ptr<ManifestReader>> open(const std::string& path);
  /// The next row, or nullopt at the end. An Error only for what stops reading the file (an
  /// I/O failure, a quoted CSV field left open at the end of the file, a row over 1 MiB).
  virtual Result<std::optional<ManifestRow>> next() = 0;
  /// CSV or JSON Lines, as chosen at open().
  virtual ManifestFormat format() const noexcept = 0;
  /// The path given to open().
  virtual const std::string& path() const noexcept = 0;
};

// ---- the journal and the outcome of each row ---------------------------------------------

/// Where a row stands in the journal, and in the report of a run.
enum class RowStatus {
  pending,           ///< not finished yet (never tried, or interrupted)
  sent,              ///< this run or an earlier one made its pli
  already_sent,      ///< the service already had the pli of this row's key (a replay)
  failed_permanent,  ///< refused for a reason that retrying will not change
  failed_transient,  ///< failed after retries for a reason that may pass (network, 5xx, 429)
  skipped,           ///< not this run's (another shard), or a dry run
};
/// The snake_case name of a status ("already_sent"), as reports and JSON output write it.
SNE_EXPORT std::string_view to_string(RowStatus status) noexcept;

/// What happened to one row, as the report writes it.
struct RowOutcome {
  /// 1-based number of the row in the manifest.
  std::size_t row = 0;
  /// The row's demande, as written.
  std::string numero_unique;
  /// The row's piece type code.
  std::string type;
  std::vector<std::string> files;  ///< resolved paths
  /// Where the row stands after this run.
  RowStatus status = RowStatus::pending;
  std::string transaction;  ///< the pli, when sent or already sent
  std::string error_code;   ///< ErrorCode name or preflight problem code; empty when none
  std::string message;      ///< one line; empty when none
  /// Sending attempts made for the row, over every run (retries included).
  int attempts = 0;
  std::uint64_t bytes = 0;  ///< of the row's files
  /// Carried so that a report's rows are a valid manifest again:
  /// Contexte of the pli, as the manifest wrote it.
  std::string contexte;
  /// Issue date of the piece, from the manifest.
  std::optional<Date> date_emission;
  /// Expiry date of the piece, from the manifest.
  std::optional<Date> date_expiration;
  /// Year of the revenues, from the manifest.
  std::optional<int> annee_revenus;
  /// Whether the row's images were packed into one PDF piece.
  bool pack = false;
  std::string idempotency_key;  ///< as the manifest gave it (empty: derived from the content)
};

/// A row's outcome as the JSON Lines report and `sne bulk check --json` write it (files absolute).
SNE_EXPORT Json to_json(const RowOutcome& outcome);

/// Writes a report, CSV or JSON Lines by the extension of `path` (".jsonl"/".ndjson"), mode
/// 0600, through a temporary file renamed at close(): a reader never sees half a report.
class SNE_EXPORT ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  /// Opens a report at `path` (its extension chooses CSV or JSON Lines); io when its temporary
  /// file cannot be created beside it.
  static Result<std::unique_ptr<ReportWriter>> open(const std::string& path);
  /// Appends one row's outcome to the report.
  virtual Status add(const RowOutcome& outcome) = 0;
  /// Writes the last rows and renames the temporary file to its path: the report appears whole,
  /// or not at all (an io Error).
  virtual Status close() = 0;
};

/// A shard, K/N: the rows whose number modulo N is K.
using Shard = std::pair<int, int>;

/// Reads "K/N" with 0 <= K < N (as 0/4 ... 3/4); empty text is no shard. invalid_input with
/// subject "shard" otherwise.
SNE_EXPORT Result<std::optional<Shard>> parse_shard(std::string_view text);
/// "K/N", or "" for no shard.
SNE_EXPORT std::string format_shard(const std::optional<Shard>& shard);

/// Counts by status and totals, recomputed from the journal (never summed over runs).
struct Summary {
  std::size_t rows = 0;  ///< rows of the manifest (of the shard)
  /// Rows by their status in the journal (RowStatus): sent, already sent, failed permanently,
  /// failed for a transient reason, skipped, and still pending.
  std::size_t sent = 0, already_sent = 0, failed_permanent = 0, failed_transient = 0, skipped = 0,
              pending = 0;
  /// @var already_sent
  /// Rows whose pli the service already had (a replay of an earlier run's key).
  /// @var failed_permanent
  /// Rows refused for a reason that retrying will not change.
  /// @var failed_transient
  /// Rows that failed after their retries, for a reason that may pass.
  /// @var skipped
  /// Rows not this run's (another shard), or rows of a dry run.
  /// @var pending
  /// Rows not finished yet: never tried, or interrupted.
  std::uint64_t bytes = 0;                ///< sent by this run
  std::chrono::milliseconds duration{0};  ///< of this run
  double plis_per_second = 0;             ///< of this run
  std::string journal;                    ///< its path
  /// Why the run stopped early: empty when it went through every row; otherwise the error
  /// (unauthenticated: sign in again; cancelled: interrupted; else transient failures).
  std::optional<Error> stopped;
};

/// The summary as `sne bulk send --json` prints it: the counts, bytes, duration_ms,
/// plis_per_second, bytes_per_second, journal (when there is one) and stopped (null, or the
/// code and message of the error that stopped the run).
SNE_EXPORT Json to_json(const Summary& summary);

/// What a journal holds, without sending.
struct JournalInfo {
  /// The journal's own path.
  std::string path;
  std::string manifest;         ///< absolute path of the manifest it belongs to
  std::string manifest_sha256;  ///< of the manifest's bytes
  std::string endpoint;         ///< canonical endpoint it sends to
  /// K/N when the journal belongs to one shard of the manifest; nullopt: every row.
  std::optional<std::pair<int, int>> shard;
  /// When the journal was created (updated_at: last written), in seconds since the epoch.
  std::int64_t created_at = 0, updated_at = 0;  ///< seconds since the epoch
  bool finished = false;  ///< every row of its shard is sent, already sent or failed permanently
  Summary summary;        ///< duration and rate are of the last run
};

/// $XDG_STATE_HOME/sne/bulk (default ~/.local/state/sne/bulk): `paths.state_dir` + "/bulk".
SNE_EXPORT std::string default_journal_folder(const Paths& paths);
/// The default journal of a manifest: in `folder`, named from the manifest's absolute path and
/// content hash (and shard), so that another manifest, or the same one edited, gets another.
SNE_EXPORT Result<std::string> default_journal_path(const std::string& manifest,
                                                    const std::string& folder,
                                                    std::optional<std::pair<int, int>> shard = {});
/// What the journal at `path` holds: its manifest, endpoint, shard, dates and summary.
/// not_found when there is no journal there; invalid_input when the file is not a journal of
/// this version.
SNE_EXPORT Result<JournalInfo> read_journal(const std::string& path);
/// A journal as `sne bulk status --json` and `sne bulk list --json` print it: its summary's
/// members (journal being its path), then manifest, manifest_sha256, endpoint, shard ("K/N" or
/// null), created_at, updated_at (seconds since the epoch) and finished.
SNE_EXPORT Json to_json(const JournalInfo& journal);
/// Every row of the journal, in row order.
SNE_EXPORT Status for_each_row(const std::string& journal,
                               const std::function<void(const RowOutcome&)>& fn);
/// The journals in `folder`, newest first.
SNE_EXPORT Result<std::vector<JournalInfo>> list_journals(const std::string& folder);

// ---- check and send -----------------------------------------------------------------------

/// Set by another thread (a signal handler's flag) to stop a run: rows in flight finish or are
/// left pending, and the run returns with Summary::stopped = cancelled.
using CancelFlag = std::atomic<bool>;

/// Progress, reported after each row and about once a second.
struct Progress {
  /// Rows finished (whatever the outcome) and rows to do in this run.
  std::size_t done = 0, total = 0;  ///< rows finished (whatever the outcome) / rows to do
  /// Rows that failed so far, permanently or after their retries.
  std::size_t failed = 0;
  std::uint64_t bytes = 0;  ///< sent so far in this run
  /// Time since the run started.
  std::chrono::milliseconds elapsed{0};
  /// Rows being worked on right now (at most RunOptions::parallel).
  std::size_t in_flight = 0;
};

/// Told before each wait to retry a request: the status (0: no answer) and the wait.
using RetryObserver = std::function<void(int status, std::chrono::milliseconds wait)>;
/// Opens one Service per worker (a Service is used by one thread at a time); the factory passes
/// `on_retry` to ServiceOptions::retry.on_retry, so that the run slows down when the service
/// asks (429, 503).
using ServiceFactory =
    std::function<Result<std::unique_ptr<Service>>(const RetryObserver& on_retry)>;

/// What check_manifest() and send_manifest() need: the manifest, how to reach the service, how
/// many workers, which rows, and where to report.
struct RunOptions {
  /// Path of the manifest (CSV or JSON Lines, see ManifestReader); required.
  std::string manifest;
  /// Opens the workers' services; required.
  ServiceFactory open_service;
  std::string endpoint;                      ///< canonical endpoint, recorded in the journal
  int parallel = 8;                          ///< workers, 1 to 64
  std::optional<std::pair<int, int>> shard;  ///< K/N: rows whose number modulo N is K
  double rate = 0;                           ///< plis per second at most; 0: no cap
  const Catalog* catalog = nullptr;          ///< nullptr: the built-in one
  /// The preflight of each file (sne/inspect.hpp), before anything is sent.
  InspectOptions preflight;
  bool strict = false;  ///< files with warnings are refused
  /// Called after each row and about once a second; may be empty.
  std::function<void(const Progress&)> on_progress;
  std::function<void(const RowOutcome&)> on_row;  ///< each row's outcome, in completion order
  /// Set to stop the run early (see CancelFlag); nullptr: the run is never cancelled.
  const CancelFlag* cancel = nullptr;
};

/// What send_manifest() needs beyond RunOptions: the journal that makes a run resumable.
struct SendOptions : RunOptions {
  std::string journal;        ///< its path (see default_journal_path); required
  bool retry_failed = false;  ///< rows failed permanently in an earlier run are tried again
  bool dry_run = false;       ///< check_manifest, but through the journal's skip rules
  std::string report;         ///< a report of every row at the end; empty: none
};

/// Validates every row and preflights every file on `parallel` workers, then asks the service
/// whether each demande exists, is not radiated and has room for the rows of each (demande,
/// type) counted together. Sends nothing; `on_row` gets each row's verdict (sent means "would
/// be sent").
SNE_EXPORT Result<Summary> check_manifest(const RunOptions& options);

/// Sends every row of the manifest that its journal does not record as done.
SNE_EXPORT Result<Summary> send_manifest(const SendOptions& options);

}  // namespace sne::bulk
