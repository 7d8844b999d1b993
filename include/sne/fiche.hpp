/// @file
/// The fiche de transmission that accompanies every paper sending.
///
/// A fiche is validated on construction (make_fiche), carries a QR code whose payload the
/// numériseur can read back (fiche_payload / parse_fiche_payload), and renders to a one-page A4
/// PDF (render_fiche_pdf) or to one PDF with a page per fiche (render_fiches_pdf). Rendering is
/// reproducible: the same fiches give the same bytes. All functions are thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/contexte.hpp"
#include "sne/date.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"

namespace sne {

/// The fields of a fiche, as text from a user or a file. Empty optional fields are absent.
struct FicheInput {
  std::string numero_unique;    ///< 18 characters
  std::string contexte;         ///< ajout, creation, renouvellement, mise-a-jour (or AJO...)
  std::string guichet;          ///< code guichet, 5 upper-case letters or digits
  std::string siret;            ///< SIRET of the guichet
  std::string territoire;       ///< code territoire of the guichet ("034", "02A", "999")
  std::string date_generation;  ///< YYYY-MM-DD
  std::string date_depot;       ///< YYYY-MM-DD, or empty when not known yet
};

/// A valid fiche: every field checked by the domain core, in canonical form.
struct Fiche {
  std::string numero_unique;  ///< canonical
  /// Why the pieces are sent, printed as its three-letter code.
  Contexte contexte = Contexte::ajout;
  std::string guichet;     ///< code guichet
  std::string siret;       ///< 14 digits
  std::string territoire;  ///< three characters
  /// The day the fiche was made.
  Date date_generation;
  /// The day the pieces are handed over; nullopt when not known yet (left blank on the fiche).
  std::optional<Date> date_depot;
};

/// Validates `input`. Errors are invalid_input whose subject names the field at fault ("numero"
/// for numero_unique, then "contexte", "guichet", "siret", "territoire", "date_generation",
/// "date_depot") and whose message starts with it: "numero: month 13 is not 01-12". A dépôt
/// before the génération is refused.
SNE_EXPORT Result<Fiche> make_fiche(const FicheInput& input);

/// The fiche as JSON: numero_unique, contexte (name) and contexte_code, guichet, siret,
/// territoire, date_generation, date_depot (null when unknown): what `sne fiche parse --json`
/// prints, and the start of what `sne fiche create --json` prints.
SNE_EXPORT Json to_json(const Fiche& fiche);

/// The QR code's text, ASCII only, in QR alphanumeric characters, version tag first:
///
///     SNEFT1/0340819000040PWP01/AJO/PWP01/13002072000038/034/2024-01-15/2024-01-16
///
/// tag, numéro unique, contexte code, code guichet, SIRET, code territoire, date de
/// génération, date de dépôt (empty when unknown: the payload then ends with '/').
SNE_EXPORT std::string fiche_payload(const Fiche& fiche);

/// Reads a payload back. invalid_input naming the fault: an unknown version tag, a wrong
/// number of fields, or a field the domain core refuses ("numero: month 13 is not 01-12").
SNE_EXPORT Result<Fiche> parse_fiche_payload(std::string_view payload);

/// The version tag that starts every payload written by this libsne.
constexpr std::string_view kFichePayloadTag = "SNEFT1";

/// How fiches are rendered to PDF.
struct FicheRenderOptions {
  /// The document's Creator entry, e.g. "sne 0.1.0".
  std::string creator = "libsne";
};

/// Renders fiches one after the other, reusing what every fiche shares: the way to make many
/// single-fiche files. Each render() gives the same bytes as render_fiche_pdf for that fiche.
/// One renderer is not to be used by two threads at once; separate renderers may.
class SNE_EXPORT FicheRenderer {
 public:
  /// A renderer with `options` for every fiche it renders.
  explicit FicheRenderer(FicheRenderOptions options = {});
  ~FicheRenderer();
  FicheRenderer(const FicheRenderer&) = delete;
  FicheRenderer& operator=(const FicheRenderer&) = delete;

  /// The fiche as a one-page A4 PDF.
  Result<std::string> render(const Fiche& fiche);

 private:
  struct Impl;
  FicheRenderOptions options_;
  std::unique_ptr<Impl> impl_;
};

/// The fiche as a one-page A4 PDF. Same fiche and options, same bytes.
SNE_EXPORT Result<std::string> render_fiche_pdf(const Fiche& fiche,
                                                const FicheRenderOptions& options = {});

/// Several fiches as one PDF, a page each in the order given (an envoi of several demandes).
/// invalid_input when `fiches` is empty.
SNE_EXPORT Result<std::string> render_fiches_pdf(const std::vector<Fiche>& fiches,
                                                 const FicheRenderOptions& options = {});

/// Writes `bytes` to `path` atomically, through the library's one atomic writer: a temporary
/// file in the same folder (unnamed where the file system allows), fsync'ed, then given its
/// name, so an interrupted write never leaves a truncated file. An existing file is replaced.
/// The file is created mode 0600: a fiche's numéro unique identifies a person's demande.
/// Errors: io naming `path` and the system's cause ("f.pdf: cannot write: No space left on
/// device"); invalid_input when `path` is a folder.
SNE_EXPORT Status write_file_atomically(const std::string& path, std::string_view bytes);

/// One row of a fiche manifest, as read.
struct FicheManifestRow {
  std::size_t line = 0;       ///< line number in the file (1 is the header)
  std::string numero_unique;  ///< column numero_unique
  std::string contexte;       ///< column contexte
  std::string date_depot;     ///< optional column date_depot
};

/// Streams a CSV manifest with the header `numero_unique,contexte[,date_depot]` (any order,
/// case-insensitive; quoted fields without line breaks, CRLF and a UTF-8 BOM accepted; blank
/// lines skipped).
class SNE_EXPORT FicheManifest {
 public:
  /// Opens and checks the header; io or invalid_input errors name the file.
  static Result<FicheManifest> open(const std::string& path);
  /// Moves the reader; the moved-from one may only be destroyed or assigned to.
  FicheManifest(FicheManifest&&) noexcept;
  /// Swaps the readers; the moved-from one may only be destroyed or assigned to.
  FicheManifest& operator=(FicheManifest&&) noexcept;
  ~FicheManifest();

  /// The next row, nothing at the end of the file, or an invalid_input error for a row that is
  /// not CSV or has the wrong number of columns ("line 7: 4 columns, expected 2"). After an
  /// error on a row, reading goes on with the next row.
  Result<std::optional<FicheManifestRow>> next();
  /// The line number of the last line read (the row next() just returned or refused).
  std::size_t line() const noexcept;

 private:
  struct Impl;
  explicit FicheManifest(Impl* impl);
  Impl* impl_;
};

/// What became of one row of a manifest in a FicheBatch.
struct FicheRowOutcome {
  std::size_t line = 0;  ///< line number in the manifest
  std::string input;     ///< the numéro as written in the row; empty for a row not read as CSV
  /// The PDF written for this row; empty when the row failed or waits for the merged PDF.
  std::string file;
  /// Why the row failed: its CSV, a field make_fiche refused (subject: the field), a numéro
  /// already on an earlier line (subject "numero"), or its own PDF (rendering, or a file that
  /// cannot be written under its name). None when the row succeeded.
  std::optional<Error> error;
};

/// Counts so far, given with each row.
struct FicheBatchTally {
  std::size_t read = 0;    ///< rows read as CSV
  std::size_t done = 0;    ///< fiches written (one PDF each) or ready for the merged PDF
  std::size_t failed = 0;  ///< rows refused, CSV errors included
};

/// What a FicheBatch writes: the guichet's fields, one output, and its callbacks.
struct FicheBatchOptions {
  /// The guichet printed on every fiche: guichet, siret, territoire and date_generation are
  /// used; numero_unique, contexte and date_depot come from each row.
  FicheInput guichet;
  /// A folder for one PDF per row, NUMERO.pdf (created when missing; files there replaced).
  /// Exactly one of output_dir and merge is given.
  std::string output_dir;
  /// One PDF with a page per good row, in the order of the manifest, written at the end.
  std::string merge;
  /// How each fiche is rendered.
  FicheRenderOptions render;
  /// Called after each row, in the order of the manifest, on the caller's thread.
  std::function<void(const FicheRowOutcome&, const FicheBatchTally&)> on_row;
  /// Polled before each row and before the merged PDF is written: once true, the batch stops
  /// (no merged PDF is written) and the summary says interrupted. May be set by a signal
  /// handler or another thread.
  const std::atomic<bool>* cancel = nullptr;
};

/// What a FicheBatch did.
struct FicheBatchSummary {
  std::string output;       ///< output_dir or merge, as given
  bool merged = false;      ///< whether the output is one merged PDF
  std::size_t read = 0;     ///< rows read as CSV
  std::size_t written = 0;  ///< fiches written: files, or pages of the merged PDF
  std::size_t failed = 0;   ///< rows refused
  /// Set when `cancel` stopped the batch before its end.
  bool interrupted = false;
  /// The failure that stopped the batch midway, the rows before it done: the manifest could
  /// not be read further (io), or a fiche could not be written for a cause every later row
  /// would meet too (io: a full disk, a read-only or vanished folder, no permission). With
  /// a merge, nothing was written then.
  Status stopped;
};

/// The fiches of every row of a CSV manifest (FicheManifest), each row on its own: a row that
/// fails is reported (on_row) and the batch goes on. A numéro already on an earlier line is
/// refused (a second fiche of one demande). Memory stays flat with the number of rows when
/// writing one PDF per row: a hash of each numéro is kept, not the fiches.
/// Not thread-safe: one run at a time per FicheBatch (a run may use several threads: see
/// run(manifest, jobs)).
class SNE_EXPORT FicheBatch {
 public:
  /// A batch that will run with `options`; nothing is checked before run().
  explicit FicheBatch(FicheBatchOptions options);

  /// Runs the batch over the manifest at `manifest`. Errors, before any fiche is written:
  /// invalid_input when not exactly one of output_dir and merge is given, the errors of
  /// FicheManifest::open, io naming output_dir when it cannot be created; and with a merge,
  /// the errors of rendering or writing the merged PDF. A failure midway is not an error but
  /// FicheBatchSummary::stopped.
  Result<FicheBatchSummary> run(const std::string& manifest);

  /// run() on `jobs` threads (0: one per core; capped at 64) when writing one PDF per row:
  /// the QR codes, content streams and compression of fiches, and the writing of their files,
  /// overlap; PoDoFo's part of each fiche stays one at a time (PoDoFo 0.9.8 keeps unlocked
  /// process-wide state). Rows are read, checked, de-duplicated and reported to on_row in the
  /// order of the manifest, with the same outcomes, tallies and summary as run(); a merge is
  /// made as run() makes it. When a failure stops the batch midway (FicheBatchSummary::
  /// stopped), up to 4 x `jobs` rows after the failing one may have been tried and their
  /// files written, unreported. 1 is run().
  Result<FicheBatchSummary> run(const std::string& manifest, int jobs);

 private:
  FicheBatchOptions options_;
};

/// A failed row as JSON: line, input, error (the message), field (the error's subject), as in
/// the "errors" of `sne fiche batch --json`.
SNE_EXPORT Json to_json(const FicheRowOutcome& row);
/// The summary as JSON: output, merged, written, failed, interrupted (the members of
/// `sne fiche batch --json` but its "errors").
SNE_EXPORT Json to_json(const FicheBatchSummary& summary);

}  // namespace sne
