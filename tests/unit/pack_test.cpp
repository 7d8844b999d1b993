#include <doctest/doctest.h>

#include "../support/samples.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include "pack/geometry.hpp"
#include "pack/pdf_writer.hpp"
#include "sne/pack.hpp"

using namespace sne;
using namespace sne::pack;

namespace {

// ---- images made here ------------------------------------------------------------------------

/// A real JPEG (libjpeg): `w` x `h`, 1 or 3 components, a gradient; optional JFIF density.
std::string make_jpeg(int w, int h, int comps, int dpi = 0, bool progressive = false) {
  return samples::jpeg(w, h, dpi, 90, comps, progressive);
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
std::string chunk(const std::string& type, const std::string& data) {
  const std::string td = type + data;
  return be32(static_cast<std::uint32_t>(data.size())) + td +
         be32(static_cast<std::uint32_t>(
             crc32_z(0, reinterpret_cast<const Bytef*>(td.data()), td.size())));
}
std::string deflated(const std::string& raw) {
  uLongf n = compressBound(raw.size());
  std::string out(n, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(raw.data()),
            raw.size(), 6);
  out.resize(n);
  return out;
}

/// A PNG of `w` x `h`, colour type `ct`, 8-bit, not interlaced, unfiltered rows of a pattern.
std::string make_png(std::uint32_t w, std::uint32_t h, int ct, int alpha = 0x80,
                     const std::string& extra = {}) {
  const int ch = ct == 0 ? 1 : ct == 2 ? 3 : ct == 4 ? 2 : 4;
  std::string raw;
  for (std::uint32_t y = 0; y < h; ++y) {
    raw += '\0';
    for (std::uint32_t x = 0; x < w; ++x)
      for (int k = 0; k < ch; ++k)
        raw +=
            static_cast<char>((ct == 4 || ct == 6) && k == ch - 1
                                  ? static_cast<std::uint32_t>(alpha)
                                  : (x * 40 + y * 7 + static_cast<std::uint32_t>(k) * 90) & 0xFF);
  }
  const std::string ihdr =
      be32(w) + be32(h) + '\x08' + static_cast<char>(ct) + std::string(3, '\0');
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + extra +
         chunk("IDAT", deflated(raw)) + chunk("IEND", "");
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/sne-pack-test-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path + "/" + name, std::ios::binary) << bytes;
    return path + "/" + name;
  }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(path),
                                                  std::filesystem::directory_iterator()));
  }
};

/// Applies a PDF matrix to a point of the image's unit square.
std::pair<double, double> apply(const Matrix& m, double x, double y) {
  return {m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]};
}

}  // namespace

// ---- geometry --------------------------------------------------------------------------------

TEST_CASE("pack: each EXIF orientation puts the stored corners where TIFF says") {
  // Stored corners in image space: top-left (0,1), top-right (1,1), bottom-left (0,0),
  // bottom-right (1,0). Expected: where each shows on a 100 x 200 page, by TIFF 6.0's words.
  struct Case {
    int orientation;
    const char* words;
    std::pair<double, double> tl, tr, bl, br;
  };
  const double W = 100, H = 200;
  const Case cases[] = {
      {1, "row 0 top, column 0 left", {0, H}, {W, H}, {0, 0}, {W, 0}},
      {2, "row 0 top, column 0 right", {W, H}, {0, H}, {W, 0}, {0, 0}},
      {3, "row 0 bottom, column 0 right", {W, 0}, {0, 0}, {W, H}, {0, H}},
      {4, "row 0 bottom, column 0 left", {0, 0}, {W, 0}, {0, H}, {W, H}},
      {5, "row 0 left, column 0 top", {0, H}, {0, 0}, {W, H}, {W, 0}},
      {6, "row 0 right, column 0 top", {W, H}, {W, 0}, {0, H}, {0, 0}},
      {7, "row 0 right, column 0 bottom", {W, 0}, {W, H}, {0, 0}, {0, H}},
      {8, "row 0 left, column 0 bottom", {0, 0}, {0, H}, {W, 0}, {W, H}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.orientation);
    CAPTURE(c.words);
    const Matrix m = orientation_matrix(c.orientation, W, H);
    CHECK(apply(m, 0, 1) == c.tl);
    CHECK(apply(m, 1, 1) == c.tr);
    CHECK(apply(m, 0, 0) == c.bl);
    CHECK(apply(m, 1, 0) == c.br);
  }
  CHECK(orientation_matrix(9, W, H) == orientation_matrix(1, W, H));
}

TEST_CASE("pack: page size from the resolution, axes swapped for orientations 5 to 8") {
  auto g = page_geometry(2480, 3508, 300, 300, 1).value();
  CHECK(g.width_pt == doctest::Approx(595.2));
  CHECK(g.height_pt == doctest::Approx(841.92));
  CHECK_FALSE(g.estimated);
  g = page_geometry(3508, 2480, 300, 300, 6).value();  // a portrait page scanned sideways
  CHECK(g.width_pt == doctest::Approx(595.2));
  CHECK(g.height_pt == doctest::Approx(841.92));
  g = page_geometry(600, 300, 200, 100, 1).value();  // non-square pixels
  CHECK(g.width_pt == doctest::Approx(216));
  CHECK(g.height_pt == doctest::Approx(216));
  CHECK(swaps_axes(5));
  CHECK_FALSE(swaps_axes(4));
}

TEST_CASE("pack: without a resolution the image is fitted to A4 after its aspect") {
  auto g = page_geometry(1000, 2000, 0, 0, 1).value();  // portrait, taller than A4
  CHECK(g.estimated);
  CHECK(g.height_pt == doctest::Approx(kA4Long));
  CHECK(g.width_pt == doctest::Approx(kA4Long / 2));
  CHECK(g.dpi_x == doctest::Approx(2000 * 72 / kA4Long));
  g = page_geometry(2000, 1000, 0, 0, 1).value();  // landscape
  CHECK(g.width_pt == doctest::Approx(kA4Long));
  CHECK(g.height_pt == doctest::Approx(kA4Long / 2));
  g = page_geometry(2000, 1000, 0, 0, 8).value();  // landscape stored, portrait shown
  CHECK(g.width_pt == doctest::Approx(kA4Long / 2));
  CHECK(g.height_pt == doctest::Approx(kA4Long));
  g = page_geometry(100, 100, 0, 0, 1).value();  // square: fits A4's width
  CHECK(g.width_pt == doctest::Approx(kA4Short));
}

TEST_CASE("pack: pages outside PDF's limits are refused") {
  auto g = page_geometry(30000, 100, 1, 1, 1);
  REQUIRE_FALSE(g.ok());
  CHECK(g.error().code() == ErrorCode::invalid_input);
  CHECK(g.error().message() ==
        "30000x100 pixels at 1x1 dpi make a page of 2160000x7200 pt, outside PDF's 3 to 14400 pt");
  CHECK_FALSE(page_geometry(10, 10, 1200, 1200, 1).ok());  // 0.6 pt
  CHECK(page_geometry(200, 200, 1, 1, 1).ok());            // 14400 pt exactly
}

// ---- the writer ------------------------------------------------------------------------------

TEST_CASE("pack: PDF numbers are fixed-point and short") {
  CHECK(pdf_number(595.2) == "595.2");
  CHECK(pdf_number(841.92) == "841.92");
  CHECK(pdf_number(12) == "12");
  CHECK(pdf_number(-0.00001) == "0");
  CHECK(pdf_number(-3.5) == "-3.5");
  CHECK(pdf_number(1.0 / 3) == "0.3333");
  CHECK(pdf_number(1e20) == "100000000000000000000");
}

TEST_CASE("pack: the writer's cross-reference table points at every object") {
  StringSink sink;
  PdfWriter w(sink, "1.5");
  const int a = w.reserve(), b = w.reserve(), c = w.reserve();
  w.object(b, "<< /Type /Pages /Kids [] /Count 0 >>");
  w.stream(c, "/Foo 1", {"abc", "def"});
  w.object(a, "<< /Type /Catalog /Pages 2 0 R >>");
  REQUIRE(w.finish(a));
  const std::string& pdf = sink.data;
  CHECK(pdf.rfind("%PDF-1.5\n", 0) == 0);
  CHECK(pdf.find("<< /Foo 1 /Length 6 >>\nstream\nabcdef\nendstream\nendobj\n") !=
        std::string::npos);
  const auto xref = pdf.find("xref\n0 4\n");
  REQUIRE(xref != std::string::npos);
  CHECK(pdf.find("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) +
                 "\n%%EOF\n") != std::string::npos);
  for (int n = 1; n <= 3; ++n) {
    const std::string entry = pdf.substr(xref + 9 + 20 * static_cast<std::size_t>(n), 20);
    CHECK(entry.substr(10) == " 00000 n \n");
    const auto offset = std::stoul(entry.substr(0, 10));
    CHECK(pdf.substr(offset, 8) == std::to_string(n) + " 0 obj\n");
  }
  CHECK(w.bytes_written() == pdf.size());
}

TEST_CASE("pack: the writer reports an object never written and a failing sink") {
  StringSink sink;
  PdfWriter w(sink, "1.5");
  const int a = w.reserve();
  w.reserve();
  w.object(a, "<< >>");
  CHECK_FALSE(w.finish(a));

  struct Full : ByteSink {
    int left = 2;
    bool write(std::string_view) override { return left-- > 0; }
  } full;
  PdfWriter f(full, "1.5");
  const int b = f.reserve();
  f.object(b, "<< >>");
  CHECK_FALSE(f.finish(b));
}

// ---- pack_images -----------------------------------------------------------------------------

TEST_CASE("pack: a JPEG is embedded byte for byte, and the bytes are reproducible") {
  TempDir dir;
  const std::string jpeg = make_jpeg(64, 48, 3, 150);
  const auto img = dir.write("scan.jpg", jpeg);
  const auto out = dir.path + "/piece.pdf";
  auto report = pack_images({img}, out);
  REQUIRE(report.ok());
  const std::string pdf = read(out);
  CHECK(pdf.find("stream\n" + jpeg + "\nendstream") != std::string::npos);
  CHECK(pdf.find("/Filter /DCTDecode") != std::string::npos);
  CHECK(pdf.find("/CreationDate") == std::string::npos);
  CHECK(report->output_bytes == pdf.size());
  REQUIRE(report->pages.size() == 1);
  const PackedPage& p = report->pages[0];
  CHECK(p.format == Format::jpeg);
  CHECK(p.embedding == Embedding::jpeg_copied);
  CHECK(p.dpi_x == 150);
  CHECK_FALSE(p.dpi_estimated);
  CHECK(p.page_width_pt == doctest::Approx(64 * 72 / 150.0));
  CHECK(p.stream_bytes == jpeg.size());
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto again = pack_images({img}, out, PackOptions{true, 72'000'000, 64 << 20, {}});
  REQUIRE(again.ok());
  CHECK(read(out) == pdf);
  CHECK(dir.entries() == 2);  // no temporary file left
}

TEST_CASE("pack: pages follow the order given; gray, progressive and RGB JPEGs") {
  TempDir dir;
  const auto a = dir.write("a.jpg", make_jpeg(40, 30, 1));
  const auto b = dir.write("b.jpg", make_jpeg(30, 40, 3, 0, true));
  const auto out = dir.path + "/p.pdf";
  auto report = pack_images({b, a, b}, out);
  REQUIRE(report.ok());
  REQUIRE(report->pages.size() == 3);
  CHECK(report->pages[0].file == b);
  CHECK(report->pages[1].file == a);
  CHECK(report->pages[1].components == 1);
  CHECK(report->pages[1].dpi_estimated);
  const std::string pdf = read(out);
  CHECK(pdf.find("/ColorSpace /DeviceGray") != std::string::npos);
  CHECK(pdf.find("/Count 3") != std::string::npos);
}

TEST_CASE("pack: a plain PNG's IDAT data is copied, with PNG predictors") {
  TempDir dir;
  const std::string phys = chunk("pHYs", be32(11811) + be32(11811) + '\x01');
  const std::string png = make_png(200, 100, 2, 0, phys);
  const auto img = dir.write("scan.png", png);
  auto report = pack_images({img}, dir.path + "/p.pdf");
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message()));
  CHECK(report->pages[0].embedding == Embedding::png_idat_copied);
  CHECK(report->pages[0].dpi_x == doctest::Approx(300).epsilon(0.001));
  const std::string pdf = read(dir.path + "/p.pdf");
  const auto idat_at = png.find("IDAT") + 4;
  const auto idat_len = png.size() - idat_at - 4 - 12;  // minus CRC and IEND
  CHECK(pdf.find(png.substr(idat_at, idat_len)) != std::string::npos);
  CHECK(pdf.find("/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns 200 >>") !=
        std::string::npos);
}

TEST_CASE("pack: alpha goes into an /SMask, an opaque alpha channel is dropped") {
  TempDir dir;
  auto report = pack_images({dir.write("a.png", make_png(8, 8, 6, 0x80))}, dir.path + "/a.pdf");
  REQUIRE(report.ok());
  CHECK(report->pages[0].embedding == Embedding::png_recompressed);
  CHECK(report->pages[0].soft_mask);
  CHECK(read(dir.path + "/a.pdf").find("/SMask") != std::string::npos);
  report = pack_images({dir.write("b.png", make_png(8, 8, 4, 0xFF))}, dir.path + "/b.pdf");
  REQUIRE(report.ok());
  CHECK(report->pages[0].embedding == Embedding::png_recompressed);
  CHECK_FALSE(report->pages[0].soft_mask);
  CHECK(read(dir.path + "/b.pdf").find("/SMask") == std::string::npos);
}

TEST_CASE("pack: the creation date is written only when asked") {
  TempDir dir;
  PackOptions o;
  o.creation_date = parse_timestamp("2024-01-15T10:20:30Z").value();
  REQUIRE(pack_images({dir.write("a.jpg", make_jpeg(16, 16, 3))}, dir.path + "/a.pdf", o).ok());
  CHECK(read(dir.path + "/a.pdf").find("/Info 3 0 R") != std::string::npos);
  CHECK(read(dir.path + "/a.pdf").find("<< /CreationDate (D:20240115102030Z) >>") !=
        std::string::npos);
}

TEST_CASE("pack: errors name the file and leave nothing behind") {
  TempDir dir;
  const auto good = dir.write("good.jpg", make_jpeg(16, 16, 3));
  const std::string jpeg = make_jpeg(64, 64, 3);
  const auto out = dir.path + "/p.pdf";
  auto error_of = [&](const std::vector<std::string>& images, const PackOptions& o = {}) {
    auto r = pack_images(images, out, o);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(std::filesystem::exists(out));
    return r.error();
  };
  const std::size_t before = dir.entries();

  auto e = error_of({good, dir.path + "/missing.jpg"});
  CHECK(e.code() == ErrorCode::io);
  CHECK(e.message() == dir.path + "/missing.jpg: No such file or directory");

  const auto text = dir.write("notes.jpg", "hello");
  e = error_of({text});
  CHECK(e.code() == ErrorCode::invalid_input);
  CHECK(e.message() == text + ": not a JPEG or PNG image");

  const auto cut = dir.write("cut.jpg", jpeg.substr(0, jpeg.size() / 2));
  e = error_of({good, cut});
  CHECK(e.message() == cut + ": truncated JPEG (no end-of-image marker)");

  // Cut, then given back an end marker: only decoding finds it out.
  const auto patched = dir.write("patched.jpg", jpeg.substr(0, jpeg.size() / 2) + "\xFF\xD9");
  e = error_of({patched});
  CHECK(e.code() == ErrorCode::invalid_input);
  CHECK(e.message().rfind(patched + ": corrupt JPEG data: ", 0) == 0);

  const std::string png = make_png(30, 30, 2);
  const auto cut_png = dir.write("cut.png", png.substr(0, png.size() - 30));
  e = error_of({cut_png});
  CHECK(e.message() == cut_png + ": truncated PNG (no IEND chunk)");

  PackOptions small;
  small.max_pixels = 100;
  e = error_of({good}, small);
  CHECK(e.message() == good + ": 16x16 pixels, more than the 100 allowed");

  e = error_of({});
  CHECK(e.message() == "no image to pack");
  CHECK(dir.entries() == before + 4);  // the inputs written above, nothing else

  auto r = pack_images({good}, dir.path + "/no/such/dir/p.pdf");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::io);
  CHECK(r.error().message().rfind(dir.path + "/no/such/dir/p.pdf: cannot create a file in ", 0) ==
        0);
}

TEST_CASE("pack: an existing output is kept unless overwrite is asked") {
  TempDir dir;
  const auto good = dir.write("good.jpg", make_jpeg(16, 16, 3));
  const auto out = dir.write("p.pdf", "precious");
  auto r = pack_images({good}, out);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::conflict);
  CHECK(r.error().message() == out + ": already exists");
  CHECK(read(out) == "precious");
  PackOptions o;
  o.overwrite = true;
  REQUIRE(pack_images({good}, out, o).ok());
  CHECK(read(out).rfind("%PDF-1.5", 0) == 0);
}

TEST_CASE("pack: JPEGs PDF cannot carry are refused clearly") {
  TempDir dir;
  std::string j = make_jpeg(16, 16, 1);
  const auto sof = j.find("\xFF\xC0");
  REQUIRE(sof != std::string::npos);
  j[sof + 4] = 12;  // 12-bit precision
  auto r = pack_images({dir.write("deep.jpg", j)}, dir.path + "/p.pdf");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message() == dir.path + "/deep.jpg: 12-bit JPEG: PDF carries 8-bit JPEG only");
}

TEST_CASE("pack: the report as JSON, pages numbered from 1 in the order given") {
  PackReport report;
  report.output = "piece.pdf";
  report.output_bytes = 1234;
  PackedPage jpeg;
  jpeg.file = "recto.jpg";
  jpeg.width = 64;
  jpeg.height = 48;
  jpeg.components = 3;
  jpeg.dpi_x = jpeg.dpi_y = 150;
  jpeg.page_width_pt = 30.72;
  jpeg.page_height_pt = 23.04;
  jpeg.stream_bytes = 900;
  PackedPage png = jpeg;
  png.file = "verso.png";
  png.format = Format::png;
  png.embedding = Embedding::png_recompressed;
  png.soft_mask = true;
  png.dpi_estimated = true;
  png.orientation = 6;
  report.pages = {jpeg, png};
  const std::string json = to_json(report).dump(-1);
  CHECK(json.rfind(R"({"output":"piece.pdf","bytes":1234,"pages":[{"page":1,"file":"recto.jpg",)"
                   R"("format":"jpeg","width":64,"height":48,"components":3,"bits":8,)"
                   R"("dpi_x":150,"dpi_y":150,"dpi_estimated":false,"orientation":1,)"
                   R"("embedding":"jpeg_copied","soft_mask":false,"page_width_pt":30.72,)"
                   R"("page_height_pt":23.04,"stream_bytes":900},{"page":2,"file":"verso.png",)"
                   R"("format":"png",)",
                   0) == 0);
  CHECK(json.find(R"("dpi_estimated":true,"orientation":6,"embedding":"png_recompressed",)"
                  R"("soft_mask":true,)") != std::string::npos);
  CHECK(to_json(PackReport{}).dump(-1) == R"({"output":"","bytes":0,"pages":[]})");
}
