// PNG into PDF. PDF's FlateDecode with PNG predictors (Predictor 15) reads a PNG's IDAT data
// as it is, so a plain PNG (not interlaced, no alpha, no tRNS) is copied unchanged, after its
// data has been inflated once to check it. Other PNGs are decoded by libpng, row by row when
// not interlaced, and deflated again with the same predictors: the colour in one stream, the
// alpha channel in an /SMask. Bit depths are kept (16-bit stays 16-bit).
#include <array>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <png.h>
#include <zlib.h>

#include "base/i18n.hpp"
#include "image/codec.hpp"
#include "pack/embed.hpp"

namespace sne::pack {

namespace {

Error refuse(std::string what) { return Error(ErrorCode::invalid_input, std::move(what)); }

std::uint32_t be32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
  return v;
}

/// The IDAT chunks' data, in order. probe() has checked the chunk structure.
std::vector<std::string_view> idat_parts(std::string_view png) {
  std::vector<std::string_view> parts;
  std::size_t pos = 8;
  while (png.size() - pos >= 12) {
    const std::uint32_t len = be32(png, pos);
    if (png.size() - pos - 12 < len) break;
    const std::string_view type = png.substr(pos + 4, 4);
    if (type == "IDAT") parts.push_back(png.substr(pos + 8, len));
    if (type == "IEND") break;
    pos += 12 + std::size_t{len};
  }
  return parts;
}

std::size_t row_bytes(std::uint32_t width, int channels, int bits) {
  return (std::size_t{width} * static_cast<std::size_t>(channels * bits) + 7) / 8;
}

/// The /DecodeParms of PNG-predicted Flate data.
std::string predictor_parms(int colors, int bits, std::uint32_t columns) {
  return fmt::format(
      "/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors {} /BitsPerComponent {} "
      "/Columns {} >>",
      colors, bits, columns);
}

std::string palette_space(const image::ImageInfo& info) {
  std::string hex;
  hex.reserve(info.palette.size() * 2);
  for (char c : info.palette) hex += fmt::format("{:02X}", static_cast<unsigned char>(c));
  return fmt::format("[/Indexed /DeviceRGB {} <{}>]", info.palette_entries - 1, hex);
}

std::string image_dict(std::uint32_t w, std::uint32_t h, std::string_view space, int bits) {
  return fmt::format(
      "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {} "
      "/BitsPerComponent {} ",
      w, h, space, bits);
}

/// Inflates the IDAT data to check that it holds exactly the filtered rows the header
/// announces, each starting with a known filter type.
Status check_idat(const std::vector<std::string_view>& parts, std::size_t stride,
                  std::uint32_t height) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK)
    return Error(ErrorCode::internal, i18n::format(N_("zlib: inflateInit failed")));
  const std::uint64_t expected = std::uint64_t{stride} * height;
  std::array<unsigned char, 1 << 16> out{};
  std::uint64_t total = 0;
  int rc = Z_OK;
  for (auto part : parts) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
    zs.avail_in = static_cast<uInt>(part.size());
    while (zs.avail_in > 0 && rc != Z_STREAM_END) {
      zs.next_out = out.data();
      zs.avail_out = static_cast<uInt>(out.size());
      rc = inflate(&zs, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
      const std::size_t got = out.size() - zs.avail_out;
      // Every filter byte in this piece: offsets total + k where (total + k) % stride == 0.
      for (std::uint64_t at = (total + stride - 1) / stride * stride; at < total + got;
           at += stride)
        if (at < expected && out[at - total] > 4) rc = Z_DATA_ERROR;
      total += got;
      if (rc == Z_DATA_ERROR) break;
    }
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
  }
  inflateEnd(&zs);
  if (rc == Z_DATA_ERROR || rc == Z_MEM_ERROR || rc == Z_NEED_DICT)
    return refuse(i18n::format(N_("corrupt PNG image data")));
  if (rc != Z_STREAM_END || total < expected)
    return refuse(i18n::format(N_("truncated PNG image data")));
  return {};
}

// ---- libpng ----------------------------------------------------------------------------------

/// Owns libpng's read structures.
struct PngRead {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngRead() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

struct PngLayout {
  int channels, bits, color_type;
  std::size_t rowbytes;
  int passes;
};

bool png_start(png_structp png, png_infop info, bool trns_to_alpha, PngLayout& out) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_chunk_malloc_max(png, 8u << 20);  // ancillary chunks (iCCP, zTXt) stay small
  png_read_info(png, info);
  if (trns_to_alpha) png_set_tRNS_to_alpha(png);
  out.passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  out.channels = png_get_channels(png, info);
  out.bits = png_get_bit_depth(png, info);
  out.color_type = png_get_color_type(png, info);
  out.rowbytes = png_get_rowbytes(png, info);
  return true;
}

bool png_image(png_structp png, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  return true;
}

bool png_row(png_structp png, png_bytep row) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_row(png, row, nullptr);
  return true;
}

bool png_finish(png_structp png, png_infop info) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_end(png, info);
  return true;
}

// ---- re-compression --------------------------------------------------------------------------

/// Deflates PNG-filtered rows, picking each row's filter by the usual heuristic (least sum of
/// absolute values), as libpng does.
class RowDeflater {
 public:
  RowDeflater(std::size_t rowbytes, std::size_t bpp)
      : bpp_(bpp), prev_(rowbytes, 0), trial_(5, std::vector<unsigned char>(rowbytes + 1)) {
    deflateInit(&zs_, Z_DEFAULT_COMPRESSION);
  }
  ~RowDeflater() { deflateEnd(&zs_); }
  RowDeflater(const RowDeflater&) = delete;
  RowDeflater& operator=(const RowDeflater&) = delete;

  void add(const unsigned char* row) {
    const std::size_t n = prev_.size();
    std::size_t best = 0;
    unsigned long best_sum = ~0ul;
    for (unsigned f = 0; f < 5; ++f) {
      auto& t = trial_[f];
      t[0] = static_cast<unsigned char>(f);
      unsigned long sum = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const int a = i >= bpp_ ? row[i - bpp_] : 0, b = prev_[i],
                  c = i >= bpp_ ? prev_[i - bpp_] : 0;
        int pred = 0;
        switch (f) {
          case 1: pred = a; break;
          case 2: pred = b; break;
          case 3: pred = (a + b) / 2; break;
          case 4: pred = paeth(a, b, c); break;
          default: break;
        }
        const auto v = static_cast<unsigned char>(row[i] - pred);
        t[i + 1] = v;
        sum += v < 128 ? v : 256u - v;
      }
      if (sum < best_sum) best_sum = sum, best = f;
    }
    put(trial_[best].data(), n + 1, Z_NO_FLUSH);
    std::memcpy(prev_.data(), row, n);
  }
  std::string finish() {
    put(nullptr, 0, Z_FINISH);
    return std::move(out_);
  }

 private:
  static int paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }
  void put(const unsigned char* data, std::size_t n, int flush) {
    zs_.next_in = const_cast<Bytef*>(data);
    zs_.avail_in = static_cast<uInt>(n);
    std::array<unsigned char, 1 << 15> buf{};
    do {
      zs_.next_out = buf.data();
      zs_.avail_out = static_cast<uInt>(buf.size());
      deflate(&zs_, flush);
      out_.append(reinterpret_cast<const char*>(buf.data()), buf.size() - zs_.avail_out);
    } while (zs_.avail_out == 0);
  }

  z_stream zs_{};
  std::size_t bpp_;
  std::vector<unsigned char> prev_;
  std::vector<std::vector<unsigned char>> trial_;
  std::string out_;
};

Result<EmbeddedImage> recompress(std::string_view bytes, const image::ImageInfo& info) {
  image::PngMemory src = image::png_memory(bytes.data(), bytes.size());
  PngRead r;
  r.png = image::png_read_from(src);
  if (r.png) r.info = png_create_info_struct(r.png);
  if (!r.png || !r.info)
    return Error(ErrorCode::internal, i18n::format(N_("libpng: cannot allocate")));
  auto failed = [&] { return refuse(i18n::format(N_("corrupt PNG: {}"), src.message)); };

  PngLayout layout{};
  if (!png_start(r.png, r.info, info.has_trns, layout)) return failed();
  const bool alpha = (layout.color_type & PNG_COLOR_MASK_ALPHA) != 0;
  const bool palette = layout.color_type == PNG_COLOR_TYPE_PALETTE;
  const int colors = layout.channels - (alpha ? 1 : 0);
  const std::size_t sample = static_cast<std::size_t>(layout.bits >= 8 ? layout.bits / 8 : 1);
  const std::size_t color_rowbytes = row_bytes(info.width, colors, layout.bits);
  RowDeflater color(color_rowbytes,
                    std::max<std::size_t>(1, sample * static_cast<std::size_t>(colors)));
  std::optional<RowDeflater> mask;
  if (alpha) mask.emplace(std::size_t{info.width} * sample, sample);

  // Interlaced images need the whole image; others are read a row at a time.
  std::vector<unsigned char> pixels(info.interlaced ? layout.rowbytes * info.height
                                                    : layout.rowbytes);
  if (info.interlaced) {
    std::vector<png_bytep> rows(info.height);
    for (std::uint32_t y = 0; y < info.height; ++y) rows[y] = pixels.data() + y * layout.rowbytes;
    if (!png_image(r.png, rows.data())) return failed();
  }
  std::vector<unsigned char> color_row(alpha ? color_rowbytes : 0), alpha_row;
  if (alpha) alpha_row.resize(std::size_t{info.width} * sample);
  bool opaque = true;
  const unsigned max_alpha = layout.bits == 16 ? 0xFFFF : 0xFF;
  for (std::uint32_t y = 0; y < info.height; ++y) {
    unsigned char* row = pixels.data() + (info.interlaced ? y * layout.rowbytes : 0);
    if (!info.interlaced && !png_row(r.png, row)) return failed();
    if (!alpha) {
      color.add(row);
      continue;
    }
    const std::size_t px = sample * static_cast<std::size_t>(layout.channels);
    const std::size_t cb = sample * static_cast<std::size_t>(colors);
    for (std::uint32_t x = 0; x < info.width; ++x) {
      const unsigned char* p = row + x * px;
      std::memcpy(color_row.data() + x * cb, p, cb);
      std::memcpy(alpha_row.data() + x * sample, p + cb, sample);
      const unsigned a = sample == 2 ? (unsigned{p[cb]} << 8 | p[cb + 1]) : unsigned{p[cb]};
      if (a != max_alpha) opaque = false;
    }
    color.add(color_row.data());
    mask->add(alpha_row.data());
  }
  if (!png_finish(r.png, r.info)) return failed();

  EmbeddedImage out;
  out.embedding = Embedding::png_recompressed;
  out.bits = layout.bits;
  out.components = layout.channels;
  const std::string space = palette       ? palette_space(info)
                            : colors == 1 ? "/DeviceGray"
                                          : "/DeviceRGB";
  out.image.dict = image_dict(info.width, info.height, space, layout.bits) +
                   predictor_parms(palette ? 1 : colors, layout.bits, info.width);
  out.image.owned = color.finish();
  if (alpha && !opaque) {
    XObject m;
    m.dict = image_dict(info.width, info.height, "/DeviceGray", layout.bits) +
             predictor_parms(1, layout.bits, info.width);
    m.owned = mask->finish();
    out.smask = std::move(m);
  }
  return out;
}

}  // namespace

Result<EmbeddedImage> embed_png(std::string_view bytes, const image::ImageInfo& info) {
  if (!info.complete) return refuse(i18n::format(N_("truncated PNG (no IEND chunk)")));
  if (info.interlaced || info.has_alpha || info.has_trns) return recompress(bytes, info);

  const auto parts = idat_parts(bytes);
  const std::size_t stride = row_bytes(info.width, info.components, info.bits) + 1;
  if (Status s = check_idat(parts, stride, info.height); !s) return s.error();
  const bool palette = info.png_color_type == 3;
  EmbeddedImage out;
  out.embedding = Embedding::png_idat_copied;
  out.bits = info.bits;
  out.components = info.components;
  const std::string space = palette                ? palette_space(info)
                            : info.components == 1 ? std::string("/DeviceGray")
                                                   : std::string("/DeviceRGB");
  out.image.dict = image_dict(info.width, info.height, space, info.bits) +
                   predictor_parms(info.components, info.bits, info.width);
  out.image.borrowed = parts;
  return out;
}

}  // namespace sne::pack
