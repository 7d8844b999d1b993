/// @file
/// The preflight of a piece: is this file fit to be sent as a piece of this
/// type? Checks the périmètre (the type exists), the format (detected from the bytes, never the
/// extension), the size, and the lisibilité: a PDF must parse, open without a password, hold
/// real pages (counted, never read from /Count); an image must decode to its end and be scanned
/// finely enough.
///
/// Files are untrusted. By default the parsers (libqpdf, libjpeg, libpng) run in a child process
/// with CPU-time, memory and wall-clock limits and no right to write files: a file that crashes
/// a parser, loops or exhausts memory becomes a result with the problem `unreadable`, never a
/// crash of the caller. Only glibc-based fork() semantics are assumed; the child runs no code
/// but the inspection and writes its findings to a pipe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/catalog.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"

namespace sne {

/// One finding of the preflight. `code` is stable (scripts match it); `message` is for people.
struct Finding {
  /// Stable snake_case code: one of problem:: or warning::.
  std::string code;
  /// One line for people, in English, naming what was found.
  std::string message;
};

/// Problem codes: a file with any of them must not be sent.
namespace problem {
inline constexpr std::string_view file_unreadable = "file_unreadable";  ///< cannot be opened
/// The file is empty.
inline constexpr std::string_view empty_file = "empty_file";
inline constexpr std::string_view unknown_type = "unknown_type";      ///< not in the catalog
inline constexpr std::string_view unknown_format = "unknown_format";  ///< not PDF, JPEG, PNG
inline constexpr std::string_view format_not_accepted = "format_not_accepted";  ///< for the type
inline constexpr std::string_view too_large = "too_large";          ///< over the size limit
inline constexpr std::string_view pdf_invalid = "pdf_invalid";      ///< does not parse
inline constexpr std::string_view pdf_password = "pdf_password";    ///< needs a password to open
inline constexpr std::string_view pdf_encrypted = "pdf_encrypted";  ///< encrypted (permissions)
/// A PDF with no page in its page tree.
inline constexpr std::string_view pdf_no_pages = "pdf_no_pages";
inline constexpr std::string_view image_invalid = "image_invalid";  ///< does not decode
/// An image whose data ends before its last row.
inline constexpr std::string_view image_truncated = "image_truncated";
inline constexpr std::string_view image_too_large = "image_too_large";  ///< pixel count
/// The parser crashed, ran out of time or memory: the file is rejected as unreadable.
inline constexpr std::string_view unreadable = "unreadable";
}  // namespace problem

/// Warning codes: the file may be sent, but someone should look at it.
namespace warning {
inline constexpr std::string_view low_resolution = "low_resolution";          ///< under min_dpi
inline constexpr std::string_view pdf_count_mismatch = "pdf_count_mismatch";  ///< forged /Count
inline constexpr std::string_view pdf_damaged = "pdf_damaged";  ///< opened after repairs
/// The page content decodes to more than a budget proportional to the page count (a
/// decompression bomb, or content no document needs): decoding stopped there, and the file was
/// judged on what was read.
inline constexpr std::string_view pdf_partly_read = "pdf_partly_read";
inline constexpr std::string_view image_damaged = "image_damaged";    ///< decoded with errors
inline constexpr std::string_view hors_perimetre = "hors_perimetre";  ///< type outside the arrêté
}  // namespace warning

/// How inspect_file() and inspect_bytes() judge a file, and the limits of the isolated child.
struct InspectOptions {
  /// Catalog the type is looked up in; nullptr: Catalog::builtin().
  const Catalog* catalog = nullptr;
  /// Catalog type code the file is meant as; empty: checks every format the catalog knows
  /// against the catalog's defaults.
  std::string type;
  /// Size limit in bytes; 0: the type's max_bytes (or the catalog's default).
  std::uint64_t max_bytes = 0;
  /// Resolution under which a scan gets the low_resolution warning.
  double min_dpi = 150;
  /// Images above this many pixels are refused (decompression bombs).
  std::uint64_t max_pixels = 150'000'000;
  /// Run the parsers in a limited child process (the default). false runs them in this
  /// process: only for fuzzing and for callers that already isolate.
  bool isolate = true;
  std::chrono::milliseconds time_limit{15000};         ///< wall clock of one inspection
  std::uint64_t memory_limit = 1024ull * 1024 * 1024;  ///< address space of the child
};

/// What the preflight found in one file. The file may be sent when ok(): warnings alone do
/// not stop it.
struct SNE_EXPORT InspectReport {
  std::string file;              ///< as given
  std::optional<Format> format;  ///< detected from the bytes; empty when unknown
  /// Size of the file.
  std::uint64_t bytes = 0;
  int pages = 0;                      ///< real page count of a PDF; 1 for an image; 0 unknown
  std::optional<int> declared_pages;  ///< a PDF's /Count, when readable
  /// Resolution of the scan in dots per inch: the lowest of its images. Empty for a PDF
  /// without images (born digital) or when it could not be read.
  std::optional<double> dpi;
  /// How dpi was obtained: "declared" (the file says it, and the page size it implies is
  /// plausible for a document) or "estimated" (the image taken as an A4 page).
  std::string dpi_source;
  /// Findings that forbid sending the file (codes of problem::).
  std::vector<Finding> problems;
  /// Findings that let it be sent but deserve a look (codes of warning::).
  std::vector<Finding> warnings;

  /// True when the file may be sent: no problem was found.
  bool ok() const noexcept { return problems.empty(); }
  /// True when `code` (a problem:: code) is among the problems.
  bool has_problem(std::string_view code) const noexcept;
  /// True when `code` (a warning:: code) is among the warnings.
  bool has_warning(std::string_view code) const noexcept;
};

/// Inspects the file at `path`. Never fails: a file that cannot be read is reported with the
/// problem file_unreadable.
SNE_EXPORT InspectReport inspect_file(const std::string& path, const InspectOptions& options = {});

/// Inspects bytes already in memory; `name` is reported as the file.
SNE_EXPORT InspectReport inspect_bytes(std::string_view bytes, const std::string& name,
                                       const InspectOptions& options = {});

/// The report as `sne piece check --json` prints it: file, format, bytes, pages,
/// declared_pages, dpi (rounded to 1), dpi_source, ok, problems and warnings ([{code, message}]).
SNE_EXPORT Json to_json(const InspectReport& report);

/// The format the bytes start with, if any: "%PDF-" (after at most 1024 bytes of junk, as
/// readers allow), JPEG's SOI, PNG's signature.
SNE_EXPORT std::optional<Format> detect_format(std::string_view head) noexcept;

}  // namespace sne
