// Sample pieces made by the tests themselves: small valid PDFs, PNGs and JPEGs, and the means
// to break them. Header-only; users link zlib and libjpeg.
#pragma once

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <zlib.h>

namespace sne::samples {

/// A PDF of the given objects (object i+1 is objects[i]; object 1 must be the catalog), with a
/// correct cross-reference table.
inline std::string pdf(const std::vector<std::string>& objects) {
  std::string out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (auto o : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

/// A PDF of `pages` A4 pages showing a line of text; /Count says `declared` (-1: the truth).
inline std::string text_pdf(int pages = 1, int declared = -1) {
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", ""};
  std::string kids;
  const std::string content = "BT /F1 12 Tf 72 720 Td (Bulletin de salaire) Tj ET";
  for (int i = 0; i < pages; ++i) {
    const std::size_t page = objects.size() + 1;
    kids += std::to_string(page) + " 0 R ";
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents " +
                      std::to_string(page + 1) +
                      " 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
                      "/BaseFont /Helvetica >> >> >> >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "\nendstream");
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " +
               std::to_string(declared >= 0 ? declared : pages) + " >>";
  return pdf(objects);
}

inline void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

inline void png_chunk(std::string& out, const char* type, const std::string& data) {
  put32(out, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  out += body;
  put32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                              static_cast<uInt>(body.size()))));
}

/// A grey PNG of w x h pixels; `ppm` > 0 adds a pHYs chunk (pixels per metre).
/// `claimed_width` > 0 writes that width in IHDR instead (the data stays w x h).
inline std::string png(std::uint32_t w, std::uint32_t h, std::uint32_t ppm = 0,
                       std::uint32_t claimed_width = 0) {
  std::string out = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32(ihdr, claimed_width > 0 ? claimed_width : w);
  put32(ihdr, h);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit greyscale, not interlaced
  png_chunk(out, "IHDR", ihdr);
  if (ppm > 0) {
    std::string phys;
    put32(phys, ppm);
    put32(phys, ppm);
    phys += '\x01';
    png_chunk(out, "pHYs", phys);
  }
  std::string raw;
  for (std::uint32_t y = 0; y < h; ++y) {
    raw += '\0';  // filter: none
    for (std::uint32_t x = 0; x < w; ++x) raw += static_cast<char>((x * 7 + y * 3) & 0xFF);
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string z(size, '\0');
  compress(reinterpret_cast<Bytef*>(z.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
           static_cast<uLong>(raw.size()));
  z.resize(size);
  png_chunk(out, "IDAT", z);
  png_chunk(out, "IEND", "");
  return out;
}

/// A JPEG of w x h pixels (1 grey or 3 RGB components) with a JFIF density of `dpi` (0: none
/// given), baseline or progressive.
inline std::string jpeg(int w, int h, int dpi = 0, int quality = 85, int components = 3,
                        bool progressive = false) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buffer, &size);
  c.image_width = static_cast<JDIMENSION>(w);
  c.image_height = static_cast<JDIMENSION>(h);
  c.input_components = components;
  c.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  if (progressive) jpeg_simple_progression(&c);
  if (dpi > 0) {
    c.write_JFIF_header = TRUE;
    c.density_unit = 1;
    c.X_density = static_cast<UINT16>(dpi);
    c.Y_density = static_cast<UINT16>(dpi);
  } else {
    c.density_unit = 0;
    c.X_density = 1;
    c.Y_density = 1;
  }
  jpeg_start_compress(&c, TRUE);
  std::vector<unsigned char> row(static_cast<std::size_t>(w) *
                                 static_cast<std::size_t>(components));
  while (c.next_scanline < c.image_height) {
    for (std::size_t i = 0; i < row.size(); ++i)
      row[i] = static_cast<unsigned char>((i * 7 + c.next_scanline * 3) & 0xFF);
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&c, rows, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::string out(reinterpret_cast<char*>(buffer), size);
  std::free(buffer);
  return out;
}

}  // namespace sne::samples
