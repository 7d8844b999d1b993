/// @file
/// Scans (JPEG, PNG) packed into one piece PDF, a page per image.
///
/// A piece is one file: the recto and verso of an identity card, the pages of an avis
/// d'imposition. pack_images makes that file from the images a scanner or a phone gave, without
/// loss: JPEG data is embedded byte for byte, PNG data copied or re-compressed losslessly, the
/// EXIF orientation applied by the page's matrix, the page sized from the image's resolution.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/catalog.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// How an image went into the PDF.
enum class Embedding {
  jpeg_copied,       ///< the JPEG file's bytes, unchanged, as a DCTDecode stream
  png_idat_copied,   ///< the PNG's compressed data, unchanged, as FlateDecode with predictors
  png_recompressed,  ///< decoded (interlace, alpha or transparency) and deflated again, lossless
};
/// "jpeg_copied", "png_idat_copied", "png_recompressed" (stable: part of the JSON output).
SNE_EXPORT std::string_view to_string(Embedding e) noexcept;
/// "jpeg copied", "png IDAT copied", "png re-compressed", for a human: in the language of
/// messages (sne/messages.hpp), English by default.
SNE_EXPORT std::string_view label(Embedding e) noexcept;

/// How pack_images() writes its PDF, and the limits it puts on its input.
struct PackOptions {
  /// Replace an existing output file; when false an existing output is a conflict error.
  bool overwrite = false;
  /// Largest image accepted, in pixels (width x height): a defence against decompression
  /// bombs. The default takes an A3 page scanned at 600 dpi.
  std::uint64_t max_pixels = 72'000'000;
  /// Largest input file accepted, in bytes.
  std::uint64_t max_file_bytes = 64ull << 20;
  /// The document's /CreationDate; none by default, so that the same images give the same
  /// bytes.
  std::optional<Timestamp> creation_date;
};

/// One page of the PDF.
struct PackedPage {
  std::string file;              ///< the image's path, as given
  Format format = Format::jpeg;  ///< from the bytes, never from the file name
  std::uint32_t width = 0;       ///< stored pixels, before orientation
  std::uint32_t height = 0;
  int components = 0;           ///< colour channels, alpha included
  int bits = 8;                 ///< bits per component in the PDF
  double dpi_x = 0, dpi_y = 0;  ///< resolution used for the page size
  bool dpi_estimated = false;   ///< the file gave none: the page was fitted to A4
  int orientation = 1;          ///< EXIF orientation applied (1: none)
  /// How the image went in.
  Embedding embedding = Embedding::jpeg_copied;
  bool soft_mask = false;    ///< an alpha channel went in as an /SMask
  double page_width_pt = 0;  ///< the page as shown, orientation applied (1 pt = 1/72 in)
  /// The page's height as shown, in points.
  double page_height_pt = 0;
  std::uint64_t stream_bytes = 0;  ///< bytes of the image's streams in the PDF
  /// @var height
  /// Stored pixels, before orientation (as `width`).
  /// @var dpi_x
  /// Horizontal resolution used for the page size, in dots per inch (dpi_y: vertical).
};

/// What pack_images() wrote: the PDF and each of its pages.
struct PackReport {
  std::string output;              ///< the PDF's path
  std::vector<PackedPage> pages;   ///< in the order of the images
  std::uint64_t output_bytes = 0;  ///< size of the PDF written
};

/// The report as JSON: output, bytes, and pages, each with its number from 1 (page), file,
/// format, width, height, components, bits, dpi_x, dpi_y, dpi_estimated, orientation,
/// embedding (to_string), soft_mask, page_width_pt, page_height_pt, stream_bytes. What
/// `sne piece pack --json` prints.
SNE_EXPORT Json to_json(const PackReport& report);

/// Writes `output`, a PDF with one page per image in the order given. The output is written
/// atomically (a temporary file in its folder, fsync'ed, then renamed), mode 0600: a piece
/// holds personal data. On any error nothing is left at `output` (nor beside it), and an
/// existing file there is untouched.
/// Errors: invalid_input naming the file for an image that is missing its data, truncated,
/// corrupt, not JPEG or PNG, too large or of a kind PDF cannot carry (12-bit or arithmetic
/// JPEG); conflict when `output` exists and !overwrite; io, naming the file, when an image
/// cannot be read (a missing one included) or the output cannot be written; invalid_input
/// when `images` is empty.
/// Thread safety: independent calls may run concurrently.
SNE_EXPORT Result<PackReport> pack_images(const std::vector<std::string>& images,
                                          const std::string& output,
                                          const PackOptions& options = {});

}  // namespace sne
