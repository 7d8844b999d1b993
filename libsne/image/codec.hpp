// Internal: libjpeg and libpng made safe for untrusted data held in memory, for the piece
// inspector (libsne/inspect/raster.cpp) and the packer (libsne/pack/embed_*.cpp). Both
// libraries report errors by longjmp: the structs here are plain data, and the frames between
// setjmp and the library calls must own nothing with a destructor.
#pragma once

#include <csetjmp>
#include <cstddef>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first

#include <jpeglib.h>
#include <png.h>

namespace sne::image {

/// libjpeg's error manager: an error formats its message and jumps to `jump` instead of
/// calling exit(); warnings, which is how libjpeg reports corrupt data, are counted and the
/// first one kept; a premature end of data sets `truncated`.
struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  int warnings;
  bool truncated;
};

/// Resets `e` and returns its manager, to be set as `cinfo.err` before jpeg_create_*.
jpeg_error_mgr* use_jpeg_errors(JpegErrors& e);

/// A PNG read from memory by libpng: give `&source` as both the error and the io pointer, with
/// the callbacks below. An error keeps its message and longjmps with png_longjmp; reading past
/// the end sets `truncated`; warnings about CRCs are counted, others ignored.
struct PngMemory {
  const unsigned char* data;
  std::size_t size;
  std::size_t pos;
  bool truncated;
  int crc_warnings;
  char message[256];
};

/// A fresh source over `size` bytes at `data`.
PngMemory png_memory(const void* data, std::size_t size);

/// A read struct wired to `source` (errors, warnings and reads); nullptr when out of memory.
png_structp png_read_from(PngMemory& source);

}  // namespace sne::image
