#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>

#include "image/probe.hpp"

using namespace sne;
using sne::image::probe;
using sne::image::read_exif;

namespace {

std::string be16(unsigned v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }
std::string be32(std::uint32_t v) { return be16(v >> 16) + be16(v & 0xFFFF); }
std::string le16(unsigned v) { return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)}; }
std::string le32(std::uint32_t v) { return le16(v & 0xFFFF) + le16(v >> 16); }

std::string segment(unsigned marker, const std::string& payload) {
  return std::string("\xFF") + static_cast<char>(marker) +
         be16(static_cast<unsigned>(payload.size() + 2)) + payload;
}

std::string jfif(unsigned units, unsigned x, unsigned y) {
  return segment(0xE0, std::string("JFIF\0\x01\x02", 7) + static_cast<char>(units) + be16(x) +
                           be16(y) + std::string(2, '\0'));
}

std::string sof(unsigned marker, unsigned bits, unsigned w, unsigned h, int comps) {
  std::string p = static_cast<char>(bits) + be16(h) + be16(w) + static_cast<char>(comps);
  for (int i = 0; i < comps; ++i) p += std::string{static_cast<char>(i + 1), '\x11', '\0'};
  return segment(marker, p);
}

std::string sos(int comps) {
  std::string p(1, static_cast<char>(comps));
  for (int i = 0; i < comps; ++i) p += std::string{static_cast<char>(i + 1), '\0'};
  p += std::string("\x00\x3F\x00", 3);
  return segment(0xDA, p);
}

/// A JPEG's structure (not decodable pixels): enough for the header reader.
std::string jpeg(const std::string& headers, int comps = 3, unsigned marker = 0xC0) {
  return "\xFF\xD8" + headers + sof(marker, 8, 30, 20, comps) + sos(comps) +
         std::string("\x12\xFF\x00\x34\xFF\xD0\x56", 7) + "\xFF\xD9";
}

/// A TIFF block of one IFD with the given entries (tag, type, count, value-or-offset).
struct Entry {
  unsigned tag, type;
  std::uint32_t count, value;
};
std::string tiff(bool little, const std::vector<Entry>& entries, const std::string& extra = {}) {
  auto u16 = [&](unsigned v) { return little ? le16(v) : be16(v); };
  auto u32 = [&](std::uint32_t v) { return little ? le32(v) : be32(v); };
  std::string t = std::string(little ? "II" : "MM") + u16(42) + u32(8) +
                  u16(static_cast<unsigned>(entries.size()));
  for (const auto& e : entries) {
    t += u16(e.tag) + u16(e.type) + u32(e.count);
    t += e.type == 3 ? u16(e.value) + u16(0) : u32(e.value);
  }
  return t + u32(0) + extra;
}
/// The offset of `extra` in a tiff() of `n` entries.
std::uint32_t extra_at(std::size_t n) { return static_cast<std::uint32_t>(8 + 2 + 12 * n + 4); }
std::string rational(bool little, std::uint32_t num, std::uint32_t den) {
  return little ? le32(num) + le32(den) : be32(num) + be32(den);
}

std::string exif_segment(const std::string& t) {
  return segment(0xE1, std::string("Exif\0\0", 6) + t);
}

std::string chunk(const std::string& type, const std::string& data) {
  const std::string td = type + data;
  const auto crc = crc32_z(0, reinterpret_cast<const Bytef*>(td.data()), td.size());
  return be32(static_cast<std::uint32_t>(data.size())) + td + be32(static_cast<std::uint32_t>(crc));
}
std::string ihdr(std::uint32_t w, std::uint32_t h, int depth, int ct, int interlace = 0) {
  return chunk("IHDR", be32(w) + be32(h) + static_cast<char>(depth) + static_cast<char>(ct) +
                           std::string(2, '\0') + static_cast<char>(interlace));
}
const std::string kSig("\x89PNG\r\n\x1a\n", 8);
std::string png(const std::string& before_idat, const std::string& ihdr_chunk = ihdr(4, 3, 8, 2)) {
  return kSig + ihdr_chunk + before_idat + chunk("IDAT", "xyz") + chunk("IEND", "");
}

std::string error_of(const std::string& bytes) {
  auto r = probe(bytes);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::invalid_input);
  return r.error().message();
}

}  // namespace

TEST_CASE("probe: a baseline JPEG with JFIF density in dpi") {
  const auto info = probe(jpeg(jfif(1, 300, 300))).value();
  CHECK(info.format == Format::jpeg);
  CHECK(info.width == 30);
  CHECK(info.height == 20);
  CHECK(info.components == 3);
  CHECK(info.bits == 8);
  CHECK(info.dpi_x == 300);
  CHECK(info.dpi_y == 300);
  CHECK(info.orientation == 1);
  CHECK(info.jpeg_sof == 0xC0);
  CHECK_FALSE(info.progressive);
  CHECK(info.complete);
}

TEST_CASE("probe: JFIF density in dots per cm, or an aspect ratio only") {
  auto info = probe(jpeg(jfif(2, 118, 118))).value();
  CHECK(info.dpi_x == doctest::Approx(299.72));
  info = probe(jpeg(jfif(0, 1, 1))).value();
  CHECK(info.dpi_x == 0);
  CHECK(info.dpi_y == 0);
}

TEST_CASE("probe: progressive, arithmetic, lossless and 12-bit frames are told apart") {
  CHECK(probe(jpeg("", 3, 0xC2)).value().progressive);
  CHECK(probe(jpeg("", 3, 0xC9)).value().arithmetic);
  CHECK(probe(jpeg("", 3, 0xC3)).value().lossless);
  const std::string j12 = "\xFF\xD8" + sof(0xC1, 12, 5, 5, 1) + sos(1) + "\xFF\xD9";
  CHECK(probe(j12).value().bits == 12);
}

TEST_CASE("probe: Adobe APP14 CMYK is inverted CMYK") {
  const std::string adobe = segment(0xEE, std::string("Adobe\0\x64\0\0\0\0\x02", 12));
  const auto info = probe(jpeg(adobe, 4)).value();
  CHECK(info.components == 4);
  CHECK(info.adobe);
  CHECK(info.adobe_transform == 2);
  CHECK(info.cmyk_inverted);
  CHECK_FALSE(probe(jpeg("", 4)).value().cmyk_inverted);
}

TEST_CASE("probe: a JPEG cut in its image data is incomplete, cut in its headers is an error") {
  const std::string whole = jpeg(jfif(1, 200, 200));
  CHECK_FALSE(probe(whole.substr(0, whole.size() - 2)).value().complete);
  CHECK_FALSE(probe(whole.substr(0, whole.size() - 6)).value().complete);
  const auto sof_at = whole.find("\xFF\xC0");
  CHECK(error_of(whole.substr(0, sof_at + 5)) ==
        "JPEG: segment 0xFFC0 runs past the end of the file");
  CHECK(error_of(whole.substr(0, sof_at)) == "JPEG: truncated before the image data");
  CHECK(error_of("\xFF\xD8\xFF") == "JPEG: truncated before the image data");
}

TEST_CASE("probe: malformed JPEG structure") {
  CHECK(error_of(std::string("\xFF\xD8\xFF\xE0\x00\x01", 6)) == "JPEG: segment length 1 at byte 4");
  CHECK(error_of(std::string("\xFF\xD8\xFF\xE0\x00\x04xx\x00\x00", 10)) ==
        "JPEG: expected a marker at byte 8");
  CHECK(error_of("\xFF\xD8" + sos(3) + "\xFF\xD9") ==
        "JPEG: image data (SOS) before the frame header (SOF)");
  CHECK(error_of("\xFF\xD8\xFF\xD9") == "JPEG: end of image before any image data");
  CHECK(error_of("\xFF\xD8" + sof(0xC0, 8, 0, 20, 3) + sos(3)).find("zero width") !=
        std::string::npos);
  CHECK(error_of("\xFF\xD8" + sof(0xC0, 8, 10, 20, 5) + sos(3)) ==
        "JPEG: 5 components (1 to 4 expected)");
  CHECK(error_of("\xFF\xD8" + sof(0xC0, 8, 10, 20, 3) + sof(0xC0, 8, 10, 20, 3) + sos(3)) ==
        "JPEG: more than one frame header (SOF)");
}

TEST_CASE("probe: EXIF orientation and resolution, little- and big-endian") {
  for (bool little : {true, false}) {
    CAPTURE(little);
    const std::vector<Entry> e{{0x0112, 3, 1, 6},
                               {0x011A, 5, 1, extra_at(4)},
                               {0x011B, 5, 1, extra_at(4) + 8},
                               {0x0128, 3, 1, 2}};
    const std::string t = tiff(little, e, rational(little, 600, 2) + rational(little, 150, 1));
    const auto exif = read_exif(t);
    CHECK(exif.orientation == 6);
    CHECK(exif.dpi_x == 300);
    CHECK(exif.dpi_y == 150);
    const auto info = probe(jpeg(exif_segment(t))).value();
    CHECK(info.orientation == 6);
    CHECK(info.dpi_x == 300);
  }
}

TEST_CASE("probe: EXIF in centimetres, zero denominators, bad orientations") {
  std::vector<Entry> e{{0x011A, 5, 1, extra_at(3)}, {0x011B, 5, 1, extra_at(3)}, {0x0128, 3, 1, 3}};
  CHECK(read_exif(tiff(true, e, rational(true, 100, 1))).dpi_x == doctest::Approx(254));
  CHECK(read_exif(tiff(true, e, rational(true, 100, 0))).dpi_x == 0);
  CHECK(read_exif(tiff(true, {{0x0112, 3, 1, 9}})).orientation == 1);
  CHECK(read_exif(tiff(true, {{0x0112, 3, 1, 0}})).orientation == 1);
  CHECK(read_exif(tiff(true, {{0x0112, 4, 1, 6}})).orientation == 1);  // LONG, not SHORT
}

TEST_CASE("probe: JFIF density wins over EXIF's") {
  const std::vector<Entry> e{{0x011A, 5, 1, extra_at(2)}, {0x011B, 5, 1, extra_at(2)}};
  const std::string t = tiff(false, e, rational(false, 72, 1));
  CHECK(probe(jpeg(jfif(1, 300, 300) + exif_segment(t))).value().dpi_x == 300);
  CHECK(probe(jpeg(jfif(0, 1, 1) + exif_segment(t))).value().dpi_x == 72);
}

TEST_CASE("probe: malformed EXIF is ignored, offsets that loop or overflow end the read") {
  // IFD0 claims 65535 entries; its next-IFD offset and a rational point back at the header.
  std::string t = std::string("II") + le16(42) + le32(8) + le16(0xFFFF) + le16(0x0112) + le16(3) +
                  le32(1) + le16(8) + le16(0) + le16(0x011A) + le16(5) + le32(1) + le32(0) +
                  le32(8);
  auto exif = read_exif(t);
  CHECK(exif.orientation == 8);
  CHECK(exif.dpi_x == 0);
  CHECK(read_exif(std::string("MM") + be16(42) + be32(0xFFFFFFF0)).orientation == 1);
  CHECK(read_exif(std::string("MM") + be16(42) + be32(8)).orientation == 1);
  CHECK(read_exif("XX").orientation == 1);
  CHECK(read_exif("").orientation == 1);
  // An IFD whose entries point at offsets past the block, or at 0xFFFFFFFF.
  const std::vector<Entry> e{{0x011A, 5, 1, 0xFFFFFFFF}, {0x011B, 5, 1, 0xFFFFFFFC}};
  CHECK(read_exif(tiff(true, e)).dpi_x == 0);
  CHECK(probe(jpeg(exif_segment("MM"))).value().orientation == 1);
}

TEST_CASE("probe: a PNG with pHYs in metres and eXIf") {
  const std::string phys = chunk("pHYs", be32(11811) + be32(11811) + '\x01');
  const std::string exif = chunk("eXIf", tiff(false, {{0x0112, 3, 1, 3}}));
  const auto info = probe(png(phys + exif)).value();
  CHECK(info.format == Format::png);
  CHECK(info.width == 4);
  CHECK(info.height == 3);
  CHECK(info.components == 3);
  CHECK(info.bits == 8);
  CHECK(info.png_color_type == 2);
  CHECK(info.dpi_x == doctest::Approx(299.9994));
  CHECK(info.orientation == 3);
  CHECK(info.idat_bytes == 3);
  CHECK(info.complete);
  // pHYs of unknown unit gives an aspect ratio only.
  CHECK(probe(png(chunk("pHYs", be32(1) + be32(1) + '\0'))).value().dpi_x == 0);
}

TEST_CASE("probe: PNG colour types, palette, transparency, interlace, 16 bits") {
  auto info = probe(png(chunk("PLTE", std::string(6, '\x10')), ihdr(2, 2, 4, 3))).value();
  CHECK(info.palette_entries == 2);
  CHECK(info.palette.size() == 6);
  CHECK(info.components == 1);
  info = probe(png(chunk("tRNS", std::string(6, '\0')))).value();
  CHECK(info.has_trns);
  info = probe(png("", ihdr(2, 2, 16, 6, 1))).value();
  CHECK(info.has_alpha);
  CHECK(info.interlaced);
  CHECK(info.bits == 16);
  CHECK(info.components == 4);
  CHECK(probe(png("", ihdr(2, 2, 8, 4))).value().components == 2);
}

TEST_CASE("probe: malformed PNG") {
  CHECK(error_of(png("", ihdr(2, 2, 3, 2))) == "PNG: invalid colour type 2 with bit depth 3");
  CHECK(error_of(png("", ihdr(0, 2, 8, 2))) == "PNG: invalid size 0x2");
  CHECK(error_of(png("", ihdr(2, 2, 8, 3))) == "PNG: palette image without PLTE");
  const std::string cut_idat = png("", ihdr(2, 2, 8, 3));  // found by the fuzzer
  CHECK(error_of(cut_idat.substr(0, cut_idat.find("IDAT") + 9)) ==
        "PNG: palette image without PLTE");
  CHECK(error_of(png(chunk("PLTE", std::string(5, 'x')), ihdr(2, 2, 8, 3))) ==
        "PNG: PLTE length is not 3 to 768, a multiple of 3");
  CHECK(error_of(png(chunk("PLTE", std::string(15, 'x')), ihdr(2, 2, 2, 3))) ==
        "PNG: more palette entries than the bit depth can index");
  CHECK(error_of(png(chunk("tRNS", "x"), ihdr(2, 2, 8, 6))) ==
        "PNG: tRNS in an image with an alpha channel");
  CHECK(error_of(kSig + chunk("IDAT", "x")) == "PNG: the first chunk is not IHDR");
  CHECK(error_of(png(chunk("ABCD", ""))) == "PNG: unknown critical chunk ABCD");
  CHECK(error_of(png(chunk(std::string("a\x01") + "cd", ""))) == "PNG: invalid chunk type 'a?cd'");
  std::string bad_crc = png("");
  bad_crc[kSig.size() + 20] ^= 1;  // IHDR's CRC
  CHECK(error_of(bad_crc) == "PNG: chunk IHDR fails its CRC");
  CHECK(error_of(kSig + ihdr(2, 2, 8, 2) + chunk("IEND", "")) == "PNG: no image data (IDAT)");
  CHECK(error_of(kSig + ihdr(2, 2, 8, 2)) == "PNG: truncated before the image data");
  CHECK(error_of(kSig + ihdr(2, 2, 8, 2) + be32(0x80000000) + "IDAT" + be32(0)) ==
        "PNG: chunk length over 2^31-1");
  CHECK(error_of(kSig + ihdr(2, 2, 8, 2) + chunk("IDAT", "a") + chunk("tEXt", "") +
                 chunk("IDAT", "b") + chunk("IEND", "")) == "PNG: IDAT chunks are not consecutive");
}

TEST_CASE("probe: a PNG cut in its image data is incomplete") {
  const std::string whole = png("");
  CHECK(probe(whole).value().complete);
  CHECK_FALSE(probe(whole.substr(0, whole.size() - 12)).value().complete);  // no IEND
  CHECK_FALSE(probe(whole.substr(0, whole.size() - 14)).value().complete);  // IDAT cut
}

TEST_CASE("probe: neither JPEG nor PNG") {
  CHECK(error_of("") == "empty file, not a JPEG or PNG image");
  CHECK(error_of("%PDF-1.7\n") == "not a JPEG or PNG image");
  CHECK(error_of("GIF89a") == "not a JPEG or PNG image");
  CHECK(error_of("\xFF\xD8") == "not a JPEG or PNG image");
}
