// Internal: what a JPEG or PNG file says about itself, from its headers, without decoding a
// pixel. Used by the packer (libsne/pack) and the piece inspector. Knows nothing of the domain.
//
// The input is untrusted: every read is bounds-checked, nothing is allocated in proportion to
// a length field, EXIF is read from IFD0 only (no offset chain is followed, so offsets that
// loop cannot loop the reader), and malformed headers are invalid_input errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sne/error.hpp"
#include "sne/format.hpp"

namespace sne::image {

struct ImageInfo {
  Format format = Format::jpeg;         ///< jpeg or png, from the bytes (never a file name)
  std::uint32_t width = 0, height = 0;  ///< stored pixels, before orientation; both > 0
  int components = 0;  ///< JPEG: 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK; PNG: channels incl. alpha
  int bits = 8;        ///< bits per component (PNG palette: bits per index)
  double dpi_x = 0, dpi_y = 0;  ///< 0 when the file does not say
  int orientation = 1;          ///< EXIF Orientation 1..8 (1 when absent or invalid)
  /// The whole structure was walked to its end marker (JPEG EOI, PNG IEND) without running
  /// off the data; false for a truncated file whose headers are intact.
  bool complete = false;

  // JPEG only.
  int jpeg_sof = 0;          ///< the frame marker, 0xC0..0xCF (0xC0 baseline, 0xC2 progressive)
  bool progressive = false;  ///< SOF2, SOF6, SOF10, SOF14
  bool arithmetic = false;   ///< SOF9..SOF15: arithmetic coding (few PDF readers decode it)
  bool lossless = false;     ///< SOF3, SOF7, SOF11, SOF15
  bool adobe = false;        ///< an Adobe APP14 segment is present
  int adobe_transform = -1;  ///< its colour transform (0 none, 1 YCbCr, 2 YCCK); -1 when absent
  /// CMYK written the Adobe way, inverted (Photoshop and most scanners): a PDF needs
  /// /Decode [1 0 1 0 1 0 1 0] to show it right.
  bool cmyk_inverted = false;
  int scans = 0;  ///< SOS segments seen (progressive JPEGs have several)

  // PNG only.
  int png_color_type = -1;       ///< 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA
  bool interlaced = false;       ///< Adam7
  int palette_entries = 0;       ///< PLTE entries, 1..256; 0 without PLTE
  bool has_trns = false;         ///< a tRNS chunk (transparency for gray, RGB or palette)
  bool has_alpha = false;        ///< colour type 4 or 6
  std::uint64_t idat_bytes = 0;  ///< total length of the IDAT chunks' data
  std::string palette;           ///< PLTE's bytes, RGB triplets (at most 768)
};

/// Reads headers only (no pixel decoding): JPEG markers up to the first SOS (JFIF density,
/// EXIF APP1 Orientation and XResolution/YResolution/ResolutionUnit, Adobe APP14, SOF), then
/// the marker structure to EOI; PNG chunks (IHDR, PLTE, tRNS, pHYs, eXIf, with their CRCs),
/// then the chunk structure to IEND. Density from JFIF wins over EXIF's.
/// invalid_input with a one-line message on anything malformed before the image data; a body
/// that is cut short leaves `complete` false.
Result<ImageInfo> probe(std::string_view bytes);

/// The EXIF Orientation of a TIFF-structured EXIF block (after "Exif\0\0"), 1 when absent or
/// invalid; dpi from XResolution/YResolution/ResolutionUnit, 0 when absent. Exposed for tests.
struct ExifInfo {
  int orientation = 1;
  double dpi_x = 0, dpi_y = 0;
};
ExifInfo read_exif(std::string_view tiff);

}  // namespace sne::image
