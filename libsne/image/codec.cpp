#include "image/codec.hpp"

#include <cstring>

#include <jerror.h>  // after jpeglib.h, which it needs

namespace sne::image {

namespace {

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

void jpeg_note(j_common_ptr cinfo, int level) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  if (level >= 0) return;  // trace messages
  if (cinfo->err->msg_code == JWRN_JPEG_EOF) e->truncated = true;
  if (e->warnings++ == 0) (*cinfo->err->format_message)(cinfo, e->message);
}

void png_read(png_structp png, png_bytep out, png_size_t length) {
  auto* m = static_cast<PngMemory*>(png_get_io_ptr(png));
  if (length > m->size - m->pos) {
    m->truncated = true;
    png_error(png, "the file ends before the image does");
  }
  std::memcpy(out, m->data + m->pos, length);
  m->pos += length;
}

[[noreturn]] void png_fail(png_structp png, png_const_charp message) {
  auto* m = static_cast<PngMemory*>(png_get_error_ptr(png));
  (void)std::snprintf(m->message, sizeof m->message, "%s", message);
  png_longjmp(png, 1);
}

void png_note(png_structp png, png_const_charp message) {
  auto* m = static_cast<PngMemory*>(png_get_error_ptr(png));
  if (std::strstr(message, "CRC") != nullptr) ++m->crc_warnings;
}

}  // namespace

jpeg_error_mgr* use_jpeg_errors(JpegErrors& e) {
  std::memset(&e, 0, sizeof e);
  jpeg_error_mgr* mgr = jpeg_std_error(&e.mgr);
  e.mgr.error_exit = jpeg_fail;
  e.mgr.emit_message = jpeg_note;
  return mgr;
}

PngMemory png_memory(const void* data, std::size_t size) {
  PngMemory m;
  std::memset(&m, 0, sizeof m);
  m.data = static_cast<const unsigned char*>(data);
  m.size = size;
  return m;
}

png_structp png_read_from(PngMemory& source) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, png_fail, png_note);
  if (png == nullptr) {
    (void)std::snprintf(source.message, sizeof source.message, "out of memory");
    return nullptr;
  }
  png_set_read_fn(png, &source, png_read);
  return png;
}

}  // namespace sne::image
