// JPEG into PDF: the file's bytes as they are. libjpeg decodes them once, at 1/8 scale (the
// entropy-coded data whole, no full inverse DCT), so that a truncated or corrupt file is
// refused rather than embedded.
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "image/codec.hpp"
#include "pack/embed.hpp"

namespace sne::pack {

namespace {

constexpr int kMaxScans = 1000;  ///< progressive JPEGs of more scans are refused (CPU bombs)

/// Decodes the JPEG at 1/8 scale. False with e.message set on an error or a warning. Only
/// trivially destructible objects live in this frame (longjmp lands here).
bool decode_small(const unsigned char* data, unsigned long size, image::JpegErrors& e) {
  jpeg_decompress_struct cinfo;
  std::memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = image::use_jpeg_errors(e);
  if (setjmp(e.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, size);
  jpeg_read_header(&cinfo, TRUE);
  cinfo.scale_num = 1;
  cinfo.scale_denom = 8;
  cinfo.dct_method = JDCT_IFAST;
  cinfo.do_fancy_upsampling = FALSE;
  jpeg_start_decompress(&cinfo);
  const JDIMENSION stride = cinfo.output_width * static_cast<JDIMENSION>(cinfo.output_components);
  JSAMPARRAY row =
      (*cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&cinfo), JPOOL_IMAGE, stride, 1);
  while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, row, 1);
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return e.warnings == 0;
}

Error refuse(std::string what) { return Error(ErrorCode::invalid_input, std::move(what)); }

}  // namespace

Result<EmbeddedImage> embed_jpeg(std::string_view bytes, const image::ImageInfo& info) {
  if (info.bits != 8)
    return refuse(i18n::format(N_("{}-bit JPEG: PDF carries 8-bit JPEG only"), info.bits));
  if (info.arithmetic)
    return refuse(i18n::format(N_("arithmetic-coded JPEG: most PDF readers cannot show it")));
  const int sof = info.jpeg_sof & 0x0F;
  if (info.lossless || sof == 5 || sof == 6 || sof == 7)
    return refuse(i18n::format(N_("lossless or hierarchical JPEG: PDF cannot carry it")));
  if (info.components == 2)
    return refuse(i18n::format(N_("JPEG of 2 components: PDF cannot carry it")));
  if (!info.complete) return refuse(i18n::format(N_("truncated JPEG (no end-of-image marker)")));
  if (info.scans > kMaxScans)
    return refuse(
        i18n::format(N_("JPEG of {} scans, more than the {} allowed"), info.scans, kMaxScans));

  image::JpegErrors errors;
  if (!decode_small(reinterpret_cast<const unsigned char*>(bytes.data()),
                    static_cast<unsigned long>(bytes.size()), errors))
    return refuse(i18n::format(N_("corrupt JPEG data: {}"), errors.message));

  EmbeddedImage out;
  out.embedding = Embedding::jpeg_copied;
  out.bits = 8;
  out.components = info.components;
  static constexpr const char* kSpaces[] = {"", "/DeviceGray", "", "/DeviceRGB", "/DeviceCMYK"};
  out.image.dict = fmt::format(
      "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {} /BitsPerComponent 8{} "
      "/Filter /DCTDecode",
      info.width, info.height, kSpaces[info.components],
      info.cmyk_inverted ? " /Decode [1 0 1 0 1 0 1 0]" : "");
  out.image.borrowed.push_back(bytes);
  return out;
}

}  // namespace sne::pack
