// JPEG and PNG preflight: the whole image is decoded (libjpeg at 1/8 scale, which still reads
// every entropy-coded bit; libpng row by row), so a truncated or corrupt file is caught, and
// nothing larger than one row is held. The decoders' errors are longjmp-based: the functions
// that call them keep only trivially destructible locals between setjmp and the calls.
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "image/codec.hpp"
#include "inspect/inspectors.hpp"

namespace sne::inspect {

namespace {

// ---- JPEG ---------------------------------------------------------------------------------

struct JpegFacts {
  JDIMENSION width = 0, height = 0;
  int density_unit = 0;
  unsigned x_density = 0, y_density = 0;
  bool too_large = false;
};

/// Decodes; returns false with e.message set on a fatal error.
bool decode_jpeg(const unsigned char* data, unsigned long size, const Limits& limits,
                 image::JpegErrors& e, JpegFacts& facts, std::vector<JSAMPLE>& row) {
  jpeg_decompress_struct cinfo;
  std::memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = image::use_jpeg_errors(e);
  if (setjmp(e.jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  if (limits.memory > 0) cinfo.mem->max_memory_to_use = static_cast<long>(limits.memory / 2);
  jpeg_mem_src(&cinfo, data, size);
  jpeg_read_header(&cinfo, TRUE);
  facts.width = cinfo.image_width;
  facts.height = cinfo.image_height;
  facts.density_unit = cinfo.saw_JFIF_marker ? cinfo.density_unit : 0;
  facts.x_density = cinfo.X_density;
  facts.y_density = cinfo.Y_density;
  if (static_cast<std::uint64_t>(cinfo.image_width) * cinfo.image_height > limits.max_pixels) {
    facts.too_large = true;
    jpeg_destroy_decompress(&cinfo);
    return true;
  }
  // 1/8 scale skips most of the inverse DCT but still decodes every coefficient.
  cinfo.scale_num = 1;
  cinfo.scale_denom = 8;
  cinfo.dct_method = JDCT_IFAST;
  cinfo.do_fancy_upsampling = FALSE;
  jpeg_start_decompress(&cinfo);
  row.resize(static_cast<std::size_t>(cinfo.output_width) *
             static_cast<std::size_t>(cinfo.output_components));
  JSAMPROW rows[1] = {row.data()};
  while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, rows, 1);
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

// ---- PNG ----------------------------------------------------------------------------------

struct PngFacts {
  png_uint_32 width = 0, height = 0;
  png_uint_32 ppm_x = 0, ppm_y = 0;
  int phys_unit = -1;
  bool too_large = false;
};

bool decode_png(image::PngMemory& r, const Limits& limits, PngFacts& facts,
                std::vector<png_byte>& row) {
  png_structp png = image::png_read_from(r);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
    return false;
  }
  png_set_user_limits(png, 1'000'000, 1'000'000);
  png_set_chunk_malloc_max(png, 16u << 20);
  png_read_info(png, info);
  facts.width = png_get_image_width(png, info);
  facts.height = png_get_image_height(png, info);
  png_uint_32 px = 0, py = 0;
  int unit = 0;
  if (png_get_pHYs(png, info, &px, &py, &unit) != 0) {
    facts.ppm_x = px;
    facts.ppm_y = py;
    facts.phys_unit = unit;
  }
  if (static_cast<std::uint64_t>(facts.width) * facts.height > limits.max_pixels) {
    facts.too_large = true;
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
  }
  const int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  row.resize(png_get_rowbytes(png, info));
  for (int pass = 0; pass < passes; ++pass)
    for (png_uint_32 y = 0; y < facts.height; ++y) png_read_row(png, row.data(), nullptr);
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

std::string too_large_message(std::uint64_t w, std::uint64_t h, std::uint64_t max) {
  return i18n::format(N_("{} x {} pixels: more than the {} million pixels a scan may have"), w, h,
                      max / 1'000'000);
}

}  // namespace

void parse_jpeg(std::string_view bytes, const Limits& limits, Parsed& out) {
  image::JpegErrors e;
  JpegFacts facts;
  std::vector<JSAMPLE> row;
  const bool decoded = decode_jpeg(reinterpret_cast<const unsigned char*>(bytes.data()),
                                   static_cast<unsigned long>(bytes.size()), limits, e, facts, row);
  if (!decoded) {
    const std::string why = clean_message(e.message);
    if (why.find("nsufficient memory") != std::string::npos)
      out.problem(problem::image_too_large,
                  i18n::format(N_("needs too much memory to decode: {}"), why));
    else
      out.problem(problem::image_invalid, i18n::format(N_("not a readable JPEG: {}"), why));
    return;
  }
  out.pages = 1;
  if (facts.too_large) {
    out.problem(problem::image_too_large,
                too_large_message(facts.width, facts.height, limits.max_pixels));
    return;
  }
  if (e.truncated)
    out.problem(problem::image_truncated,
                i18n::format(N_("truncated: the file ends before the image does")));
  else if (e.warnings > 0)
    out.warning(warning::image_damaged,
                i18n::format_plural("decoded with {} error: {}", "decoded with {} errors: {}",
                                    static_cast<unsigned long>(e.warnings), e.warnings,
                                    clean_message(e.message)));
  double dx = 0, dy = 0;
  if (facts.density_unit == 1 || facts.density_unit == 2) {
    const double scale = facts.density_unit == 2 ? 2.54 : 1.0;
    dx = facts.x_density * scale;
    dy = facts.y_density * scale;
  }
  set_resolution(facts.width, facts.height, dx, dy, out);
}

void parse_png(std::string_view bytes, const Limits& limits, Parsed& out) {
  // The size first, from IHDR (always the first chunk): a bomb is refused before libpng
  // looks further.
  if (bytes.size() >= 24 && bytes.substr(12, 4) == "IHDR") {
    auto be32 = [&](std::size_t at) {
      std::uint64_t v = 0;
      for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
      return v;
    };
    const std::uint64_t w = be32(16), h = be32(20);
    if (w * h > limits.max_pixels) {
      out.pages = 1;
      out.problem(problem::image_too_large, too_large_message(w, h, limits.max_pixels));
      return;
    }
  }
  image::PngMemory r = image::png_memory(bytes.data(), bytes.size());
  PngFacts facts;
  std::vector<png_byte> row;
  if (!decode_png(r, limits, facts, row)) {
    if (r.truncated)
      out.problem(problem::image_truncated,
                  i18n::format(N_("truncated: the file ends before the image does")));
    else
      out.problem(problem::image_invalid,
                  i18n::format(N_("not a readable PNG: {}"), clean_message(r.message)));
    return;
  }
  out.pages = 1;
  if (facts.too_large) {
    out.problem(problem::image_too_large,
                too_large_message(facts.width, facts.height, limits.max_pixels));
    return;
  }
  if (r.crc_warnings > 0)
    out.warning(warning::image_damaged,
                i18n::format_plural("{} damaged chunk ignored", "{} damaged chunks ignored",
                                    static_cast<unsigned long>(r.crc_warnings), r.crc_warnings));
  double dx = 0, dy = 0;
  if (facts.phys_unit == PNG_RESOLUTION_METER) {
    dx = facts.ppm_x * 0.0254;
    dy = facts.ppm_y * 0.0254;
  }
  set_resolution(facts.width, facts.height, dx, dy, out);
}

}  // namespace sne::inspect
