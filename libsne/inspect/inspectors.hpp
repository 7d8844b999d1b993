// The parsers behind the preflight (sne/inspect.hpp): what each format's reader found, in a
// form that crosses the pipe from the isolated child. Internal to libsne.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/internal_export.hpp"
#include "sne/error.hpp"
#include "sne/inspect.hpp"

namespace sne::inspect {

/// What parsing the content found.
struct Parsed {
  int pages = 0;
  std::optional<int> declared_pages;
  std::optional<double> dpi;
  std::string dpi_source;
  std::vector<Finding> problems;
  std::vector<Finding> warnings;

  void problem(std::string_view code, std::string message) {
    problems.push_back({std::string(code), std::move(message)});
  }
  void warning(std::string_view code, std::string message) {
    warnings.push_back({std::string(code), std::move(message)});
  }
};

struct Limits {
  std::uint64_t max_pixels = 0;
  std::uint64_t memory = 0;  ///< for the decoders' own accounting (libjpeg)
};

/// Parses `bytes` as `format` in this process. Never throws.
Parsed parse_content(Format format, std::string_view bytes, const Limits& limits) noexcept;

/// With the plugin `inspect-pdf` (pdf.cpp, libqpdf) when loaded; when it is not, the problem
/// `unreadable` saying so. Never loads it: a forked child must not (the loader's locks may have
/// been held by another thread at the fork), so every caller that forks calls load_pdf_parser()
/// first.
void parse_pdf(std::string_view bytes, Parsed& out);

/// What the plugin `inspect-pdf` provides.
struct PdfParser {
  void (*parse)(std::string_view bytes, Parsed& out);
};

/// Called by the plugin's static initialiser.
SNE_INTERNAL_EXPORT void provide_pdf_parser(const PdfParser& parser) noexcept;

/// Loads the plugin `inspect-pdf` unless it is there: io naming it when it cannot be loaded.
Status load_pdf_parser();
void parse_jpeg(std::string_view bytes, const Limits& limits, Parsed& out);
void parse_png(std::string_view bytes, const Limits& limits, Parsed& out);

/// The resolution of a `width` x `height` scan that declares `dpi_x` x `dpi_y` (0: unknown):
/// the declared one when the page size it implies is plausible for a document (1 to 17 inches
/// a side), else an estimate taking the image as an A4 page.
void set_resolution(std::uint64_t width, std::uint64_t height, double dpi_x, double dpi_y,
                    Parsed& out);

/// One line of a parser's message: control characters removed, at most 200 bytes.
SNE_INTERNAL_EXPORT std::string clean_message(std::string_view text);

std::string encode(const Parsed& parsed);
/// nullopt when `text` is not what encode() writes.
std::optional<Parsed> decode(std::string_view text);

}  // namespace sne::inspect
