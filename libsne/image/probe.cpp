// JPEG and PNG headers, read by hand with bounds checks: no decoder touches the file here.
#include "image/probe.hpp"

#include <array>
#include <cstddef>
#include <cstring>
#include <string>

#include <fmt/format.h>
#include <zlib.h>

#include "base/i18n.hpp"

namespace sne::image {

namespace {

constexpr std::string_view kPngSignature{"\x89PNG\r\n\x1a\n", 8};

Error malformed(std::string_view what) {
  return Error(ErrorCode::invalid_input, std::string(what));
}

std::uint32_t be16(std::string_view s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 8) |
         static_cast<unsigned char>(s[at + 1]);
}
std::uint32_t be32(std::string_view s, std::size_t at) {
  return (be16(s, at) << 16) | be16(s, at + 2);
}
unsigned byte(std::string_view s, std::size_t at) { return static_cast<unsigned char>(s[at]); }

// ---------------------------------------------------------------------------------------------
// EXIF (TIFF structure)

/// Reads integers of the TIFF block's byte order; every read is checked against its size.
class Tiff {
 public:
  explicit Tiff(std::string_view data) : d_(data) {}
  bool header() {
    if (d_.size() < 8) return false;
    if (d_.substr(0, 2) == "II") {
      little_ = true;
    } else if (d_.substr(0, 2) != "MM") {
      return false;
    }
    std::uint32_t magic = 0;
    return u16(2, magic) && magic == 42;
  }
  bool u16(std::size_t at, std::uint32_t& out) const {
    if (at > d_.size() || d_.size() - at < 2) return false;
    out = little_ ? (byte(d_, at) | byte(d_, at + 1) << 8) : be16(d_, at);
    return true;
  }
  bool u32(std::size_t at, std::uint32_t& out) const {
    if (at > d_.size() || d_.size() - at < 4) return false;
    std::uint32_t lo = 0, hi = 0;
    u16(at, lo);
    u16(at + 2, hi);
    out = little_ ? (hi << 16 | lo) : (lo << 16 | hi);
    return true;
  }
  /// An unsigned RATIONAL at `offset`; 0 when unreadable or its denominator is 0.
  double rational(std::uint32_t offset) const {
    std::uint32_t num = 0, den = 0;
    if (!u32(offset, num) || !u32(std::size_t{offset} + 4, den) || den == 0) return 0;
    return static_cast<double>(num) / den;
  }

 private:
  std::string_view d_;
  bool little_ = false;
};

constexpr std::uint32_t kTagOrientation = 0x0112;
constexpr std::uint32_t kTagXResolution = 0x011A;
constexpr std::uint32_t kTagYResolution = 0x011B;
constexpr std::uint32_t kTagResolutionUnit = 0x0128;
constexpr std::uint32_t kTypeShort = 3;
constexpr std::uint32_t kTypeRational = 5;

// ---------------------------------------------------------------------------------------------
// JPEG

bool is_sof(unsigned m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }
bool is_standalone(unsigned m) { return m == 0x01 || (m >= 0xD0 && m <= 0xD7); }

void read_sof(std::string_view seg, unsigned marker, ImageInfo& info, Status& status) {
  // seg: the segment's payload after its length field.
  if (seg.size() < 6) {
    status = malformed(i18n::format(N_("JPEG: SOF segment too short")));
    return;
  }
  info.bits = static_cast<int>(byte(seg, 0));
  info.height = be16(seg, 1);
  info.width = be16(seg, 3);
  info.components = static_cast<int>(byte(seg, 5));
  if (info.components < 1 || info.components > 4) {
    status = malformed(i18n::format(N_("JPEG: {} components (1 to 4 expected)"), info.components));
    return;
  }
  if (seg.size() != 6 + 3 * static_cast<std::size_t>(info.components)) {
    status = malformed(i18n::format(N_("JPEG: SOF segment length does not match its components")));
    return;
  }
  if (info.width == 0 || info.height == 0) {
    status = malformed(
        i18n::format(N_("JPEG: zero width or height (DNL-defined height is not supported)")));
    return;
  }
  if (info.bits < 2 || info.bits > 16) {
    status = malformed(i18n::format(N_("JPEG: {} bits per sample"), info.bits));
    return;
  }
  info.jpeg_sof = static_cast<int>(marker);
  const unsigned n = marker & 0x0F;
  info.progressive = n == 2 || n == 6 || n == 10 || n == 14;
  info.lossless = n == 3 || n == 7 || n == 11 || n == 15;
  info.arithmetic = n >= 9;
}

void read_app(std::string_view seg, unsigned marker, ImageInfo& info, bool& jfif_density) {
  if (marker == 0xE0 && seg.size() >= 12 && seg.substr(0, 5) == std::string_view("JFIF\0", 5)) {
    const unsigned units = byte(seg, 7);
    const double x = be16(seg, 8), y = be16(seg, 10);
    if ((units == 1 || units == 2) && x > 0 && y > 0) {
      const double k = units == 2 ? 2.54 : 1.0;
      info.dpi_x = x * k;
      info.dpi_y = y * k;
      jfif_density = true;
    }
  } else if (marker == 0xE1 && seg.size() >= 6 &&
             seg.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
    const ExifInfo exif = read_exif(seg.substr(6));
    info.orientation = exif.orientation;
    if (!jfif_density && exif.dpi_x > 0 && exif.dpi_y > 0) {
      info.dpi_x = exif.dpi_x;
      info.dpi_y = exif.dpi_y;
    }
  } else if (marker == 0xEE && seg.size() >= 12 && seg.substr(0, 5) == "Adobe") {
    info.adobe = true;
    info.adobe_transform = static_cast<int>(byte(seg, 11));
  }
}

/// From `pos` (just after an SOS header), skips entropy-coded data and the segments between
/// scans to EOI, counting scans. True when EOI is reached inside the data.
bool walk_to_eoi(std::string_view d, std::size_t pos, int& scans) {
  while (pos < d.size()) {
    const void* ff = std::memchr(d.data() + pos, 0xFF, d.size() - pos);
    if (ff == nullptr) return false;
    pos = static_cast<std::size_t>(static_cast<const char*>(ff) - d.data()) + 1;
    while (pos < d.size() && byte(d, pos) == 0xFF) ++pos;  // fill bytes
    if (pos >= d.size()) return false;
    const unsigned m = byte(d, pos++);
    if (m == 0x00 || is_standalone(m)) continue;  // stuffed 0xFF, restart markers
    if (m == 0xD9) return true;
    if (pos + 2 > d.size()) return false;
    const std::size_t len = be16(d, pos);
    if (len < 2 || d.size() - pos < len) return false;
    if (m == 0xDA) ++scans;
    pos += len;  // DHT, DQT, DRI, DNL, SOS header... then data again
  }
  return false;
}

Result<ImageInfo> probe_jpeg(std::string_view d) {
  ImageInfo info;
  info.format = Format::jpeg;
  bool jfif_density = false;
  bool have_sof = false;
  std::size_t pos = 2;
  for (;;) {
    if (pos >= d.size())
      return malformed(i18n::format(N_("JPEG: truncated before the image data")));
    if (byte(d, pos) != 0xFF)
      return malformed(i18n::format(N_("JPEG: expected a marker at byte {}"), pos));
    while (pos < d.size() && byte(d, pos) == 0xFF) ++pos;
    if (pos >= d.size())
      return malformed(i18n::format(N_("JPEG: truncated before the image data")));
    const unsigned m = byte(d, pos++);
    if (m == 0x00 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7))
      return malformed(
          i18n::format(N_("JPEG: unexpected marker 0xFF{:02X} at byte {}"), m, pos - 2));
    if (m == 0x01) continue;
    if (m == 0xD9) return malformed(i18n::format(N_("JPEG: end of image before any image data")));
    if (d.size() - pos < 2)
      return malformed(i18n::format(N_("JPEG: truncated in a segment length")));
    const std::size_t len = be16(d, pos);
    if (len < 2) return malformed(i18n::format(N_("JPEG: segment length {} at byte {}"), len, pos));
    if (d.size() - pos < len)
      return malformed(
          i18n::format(N_("JPEG: segment 0xFF{:02X} runs past the end of the file"), m));
    const std::string_view seg = d.substr(pos + 2, len - 2);
    pos += len;
    if (is_sof(m)) {
      if (have_sof) return malformed(i18n::format(N_("JPEG: more than one frame header (SOF)")));
      Status status;
      read_sof(seg, m, info, status);
      if (!status) return status.error();
      have_sof = true;
    } else if (m >= 0xE0 && m <= 0xEF) {
      read_app(seg, m, info, jfif_density);
    } else if (m == 0xDA) {
      if (!have_sof)
        return malformed(i18n::format(N_("JPEG: image data (SOS) before the frame header (SOF)")));
      break;
    }
  }
  info.cmyk_inverted = info.components == 4 && info.adobe;
  info.scans = 1;
  info.complete = walk_to_eoi(d, pos, info.scans);
  return info;
}

// ---------------------------------------------------------------------------------------------
// PNG

bool valid_depth(unsigned color_type, unsigned depth) {
  switch (color_type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6: return depth == 8 || depth == 16;
    default: return false;
  }
}

int channels(unsigned color_type) {
  constexpr std::array<int, 7> kChannels{1, 0, 3, 1, 2, 0, 4};
  return color_type < kChannels.size() ? kChannels[color_type] : 0;
}

std::string chunk_name(std::string_view type) {
  std::string out;
  for (char c : type) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

Status read_ihdr(std::string_view data, ImageInfo& info) {
  if (data.size() != 13) return malformed(i18n::format(N_("PNG: IHDR is not 13 bytes")));
  info.width = be32(data, 0);
  info.height = be32(data, 4);
  const unsigned depth = byte(data, 8), ct = byte(data, 9);
  if (info.width == 0 || info.height == 0 || info.width > 0x7FFFFFFFu || info.height > 0x7FFFFFFFu)
    return malformed(i18n::format(N_("PNG: invalid size {}x{}"), info.width, info.height));
  if (!valid_depth(ct, depth))
    return malformed(i18n::format(N_("PNG: invalid colour type {} with bit depth {}"), ct, depth));
  if (byte(data, 10) != 0 || byte(data, 11) != 0)
    return malformed(i18n::format(N_("PNG: unknown compression or filter method")));
  if (byte(data, 12) > 1) return malformed(i18n::format(N_("PNG: unknown interlace method")));
  info.bits = static_cast<int>(depth);
  info.png_color_type = static_cast<int>(ct);
  info.components = channels(ct);
  info.interlaced = byte(data, 12) == 1;
  info.has_alpha = ct == 4 || ct == 6;
  return {};
}

Status read_png_chunk(std::string_view type, std::string_view data, bool after_idat,
                      ImageInfo& info) {
  if (type == "PLTE") {
    if (after_idat) return malformed(i18n::format(N_("PNG: PLTE after the image data")));
    if (info.palette_entries != 0) return malformed(i18n::format(N_("PNG: more than one PLTE")));
    if (data.empty() || data.size() % 3 != 0 || data.size() > 768)
      return malformed(i18n::format(N_("PNG: PLTE length is not 3 to 768, a multiple of 3")));
    if (info.png_color_type == 0 || info.png_color_type == 4)
      return malformed(i18n::format(N_("PNG: PLTE in a grayscale image")));
    info.palette_entries = static_cast<int>(data.size() / 3);
    if (info.png_color_type == 3 && info.palette_entries > (1 << info.bits))
      return malformed(i18n::format(N_("PNG: more palette entries than the bit depth can index")));
    info.palette.assign(data);
  } else if (type == "tRNS") {
    if (after_idat) return malformed(i18n::format(N_("PNG: tRNS after the image data")));
    if (info.has_alpha)
      return malformed(i18n::format(N_("PNG: tRNS in an image with an alpha channel")));
    info.has_trns = true;
  } else if (type == "pHYs") {
    if (data.size() != 9) return malformed(i18n::format(N_("PNG: pHYs is not 9 bytes")));
    const double x = be32(data, 0), y = be32(data, 4);
    if (byte(data, 8) == 1 && x > 0 && y > 0) {  // pixels per metre
      info.dpi_x = x * 0.0254;
      info.dpi_y = y * 0.0254;
    }
  } else if (type == "eXIf") {
    info.orientation = read_exif(data).orientation;
  }
  return {};
}

Result<ImageInfo> probe_png(std::string_view d) {
  ImageInfo info;
  info.format = Format::png;
  std::size_t pos = kPngSignature.size();
  bool first = true, seen_idat = false, idat_ended = false;
  for (;;) {
    if (d.size() - pos < 12) {
      if (seen_idat) return info;  // truncated in the image data: complete stays false
      return malformed(i18n::format(N_("PNG: truncated before the image data")));
    }
    const std::uint32_t len = be32(d, pos);
    const std::string_view type = d.substr(pos + 4, 4);
    if (len > 0x7FFFFFFFu) return malformed(i18n::format(N_("PNG: chunk length over 2^31-1")));
    for (char c : type)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
        return malformed(i18n::format(N_("PNG: invalid chunk type '{}'"), chunk_name(type)));
    if (type == "IDAT" && info.png_color_type == 3 && info.palette_entries == 0)
      return malformed(i18n::format(N_("PNG: palette image without PLTE")));
    if (d.size() - pos - 12 < len) {
      if (!first && (seen_idat || type == "IDAT")) return info;  // cut in the image data
      return malformed(i18n::format(N_("PNG: chunk {} runs past the end of the file"), type));
    }
    const std::string_view data = d.substr(pos + 8, len);
    const std::uint32_t crc = be32(d, pos + 8 + len);
    const auto* typed = reinterpret_cast<const Bytef*>(d.data() + pos + 4);
    if (crc32_z(0, typed, len + 4) != crc)
      return malformed(i18n::format(N_("PNG: chunk {} fails its CRC"), type));
    pos += 12 + std::size_t{len};
    if (first) {
      if (type != "IHDR") return malformed(i18n::format(N_("PNG: the first chunk is not IHDR")));
      if (Status s = read_ihdr(data, info); !s) return s.error();
      first = false;
      continue;
    }
    if (type == "IHDR") return malformed(i18n::format(N_("PNG: more than one IHDR")));
    if (type == "IDAT") {
      if (idat_ended) return malformed(i18n::format(N_("PNG: IDAT chunks are not consecutive")));
      seen_idat = true;
      info.idat_bytes += len;
      continue;
    }
    if (seen_idat) idat_ended = true;
    if (type == "IEND") {
      if (!seen_idat) return malformed(i18n::format(N_("PNG: no image data (IDAT)")));
      info.complete = true;
      return info;
    }
    if ((byte(type, 0) & 0x20) == 0 && type != "PLTE")
      return malformed(i18n::format(N_("PNG: unknown critical chunk {}"), chunk_name(type)));
    if (Status s = read_png_chunk(type, data, seen_idat, info); !s) return s.error();
  }
}

}  // namespace

ExifInfo read_exif(std::string_view tiff) {
  ExifInfo out;
  Tiff t(tiff);
  std::uint32_t ifd = 0, count = 0;
  if (!t.header() || !t.u32(4, ifd) || !t.u16(ifd, count)) return out;
  // IFD0 only: its entries are bounded by the block's size, and no offset chain is followed.
  const std::size_t room = (tiff.size() - ifd - 2) / 12;
  if (count > room) count = static_cast<std::uint32_t>(room);
  double x = 0, y = 0;
  std::uint32_t unit = 2;  // TIFF's default: inches
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t e = std::size_t{ifd} + 2 + std::size_t{i} * 12;
    std::uint32_t tag = 0, type = 0, n = 0, value = 0, offset = 0;
    t.u16(e, tag);
    t.u16(e + 2, type);
    t.u32(e + 4, n);
    t.u16(e + 8, value);
    t.u32(e + 8, offset);
    if (tag == kTagOrientation && type == kTypeShort && n == 1) {
      if (value >= 1 && value <= 8) out.orientation = static_cast<int>(value);
    } else if (tag == kTagResolutionUnit && type == kTypeShort && n == 1) {
      unit = value;
    } else if (tag == kTagXResolution && type == kTypeRational && n == 1) {
      x = t.rational(offset);
    } else if (tag == kTagYResolution && type == kTypeRational && n == 1) {
      y = t.rational(offset);
    }
  }
  if (x > 0 && y > 0 && (unit == 2 || unit == 3)) {
    const double k = unit == 3 ? 2.54 : 1.0;
    out.dpi_x = x * k;
    out.dpi_y = y * k;
  }
  return out;
}

Result<ImageInfo> probe(std::string_view bytes) {
  if (bytes.size() >= 3 && byte(bytes, 0) == 0xFF && byte(bytes, 1) == 0xD8 &&
      byte(bytes, 2) == 0xFF)
    return probe_jpeg(bytes);
  if (bytes.substr(0, kPngSignature.size()) == kPngSignature) return probe_png(bytes);
  if (bytes.empty()) return malformed(i18n::format(N_("empty file, not a JPEG or PNG image")));
  return malformed(i18n::format(N_("not a JPEG or PNG image")));
}

}  // namespace sne::image
