// sne::pack_images: images in, one PDF out. Each image is read, probed, checked and written as
// its page's objects before the next is read, so one file (and at most one decoded image) is
// in memory at a time; the PDF streams to a temporary file that takes its name at the end.
#include "sne/pack.hpp"

#include <array>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "base/atomic_file.hpp"
#include "base/file.hpp"
#include "base/i18n.hpp"
#include "image/probe.hpp"
#include "pack/embed.hpp"
#include "pack/geometry.hpp"
#include "pack/pdf_writer.hpp"

namespace sne {

namespace {

constexpr std::array<std::pair<Embedding, std::array<std::string_view, 2>>, 3> kEmbeddings{{
    {Embedding::jpeg_copied, {"jpeg_copied", N_("jpeg copied")}},
    {Embedding::png_idat_copied, {"png_idat_copied", N_("png IDAT copied")}},
    {Embedding::png_recompressed, {"png_recompressed", N_("png re-compressed")}},
}};

/// Adapts the atomic file to the PDF writer.
class FileSink : public pack::ByteSink {
 public:
  explicit FileSink(file::AtomicFile& f) : f_(f) {}
  bool write(std::string_view bytes) override { return f_.write(bytes); }

 private:
  file::AtomicFile& f_;
};

std::string pdf_date(Timestamp t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  return fmt::format("(D:{:04}{:02}{:02}{:02}{:02}{:02}Z)", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/// Reads, checks and writes one image as a page. Returns the page's report.
Result<PackedPage> add_page(pack::PdfWriter& pdf, int pages_obj, const std::string& path,
                            const PackOptions& options, std::vector<int>& kids) {
  auto fail = [&](const Error& e) {
    Error out = e;
    return out.prefixed(path);
  };
  auto bytes = file::read_all(path, options.max_file_bytes);
  if (!bytes) return bytes.error();  // already names the file
  auto info = image::probe(*bytes);
  if (!info) return fail(info.error());
  const std::uint64_t pixels = std::uint64_t{info->width} * info->height;
  if (pixels > options.max_pixels)
    return fail(Error(ErrorCode::invalid_input,
                      i18n::format(N_("{}x{} pixels, more than the {} allowed"), info->width,
                                   info->height, options.max_pixels)));
  auto embedded = info->format == Format::jpeg ? pack::embed_jpeg(*bytes, *info)
                                               : pack::embed_png(*bytes, *info);
  if (!embedded) return fail(embedded.error());
  auto geometry =
      pack::page_geometry(info->width, info->height, info->dpi_x, info->dpi_y, info->orientation);
  if (!geometry) return fail(geometry.error());

  const int page = pdf.reserve(), contents = pdf.reserve(), image = pdf.reserve();
  const int smask = embedded->smask ? pdf.reserve() : 0;
  std::uint64_t stream_bytes = 0;
  std::string image_dict = embedded->image.dict;
  if (smask) {
    image_dict += fmt::format(" /SMask {} 0 R", smask);
    const auto parts = embedded->smask->parts();
    pdf.stream(smask, embedded->smask->dict, parts);
    for (auto p : parts) stream_bytes += p.size();
  }
  const auto parts = embedded->image.parts();
  pdf.stream(image, image_dict, parts);
  for (auto p : parts) stream_bytes += p.size();
  const auto& m = geometry->matrix;
  const std::string draw =
      fmt::format("q {} {} {} {} {} {} cm /Im0 Do Q", pack::pdf_number(m[0]),
                  pack::pdf_number(m[1]), pack::pdf_number(m[2]), pack::pdf_number(m[3]),
                  pack::pdf_number(m[4]), pack::pdf_number(m[5]));
  pdf.stream(contents, "", {draw});
  pdf.object(page, fmt::format("<< /Type /Page /Parent {} 0 R /MediaBox [0 0 {} {}] "
                               "/Resources << /XObject << /Im0 {} 0 R >> >> /Contents {} 0 R >>",
                               pages_obj, pack::pdf_number(geometry->width_pt),
                               pack::pdf_number(geometry->height_pt), image, contents));
  kids.push_back(page);

  PackedPage p;
  p.file = path;
  p.format = info->format;
  p.width = info->width;
  p.height = info->height;
  p.components = embedded->components;
  p.bits = embedded->bits;
  p.dpi_x = geometry->dpi_x;
  p.dpi_y = geometry->dpi_y;
  p.dpi_estimated = geometry->estimated;
  p.orientation = info->orientation;
  p.embedding = embedded->embedding;
  p.soft_mask = smask != 0;
  p.page_width_pt = geometry->width_pt;
  p.page_height_pt = geometry->height_pt;
  p.stream_bytes = stream_bytes;
  return p;
}

}  // namespace

std::string_view to_string(Embedding e) noexcept {
  for (const auto& [k, names] : kEmbeddings)
    if (k == e) return names[0];
  return "unknown";
}

std::string_view label(Embedding e) noexcept {
  for (const auto& [k, names] : kEmbeddings)
    if (k == e) return _(names[1].data());  // a literal: NUL-terminated
  return "unknown";
}

Result<PackReport> pack_images(const std::vector<std::string>& images, const std::string& output,
                               const PackOptions& options) {
  if (images.empty()) return Error(ErrorCode::invalid_input, i18n::format(N_("no image to pack")));
  auto out = file::AtomicFile::create(output, options.overwrite);
  if (!out) return out.error();
  FileSink sink(**out);
  // 1.5: soft masks (1.4) and 16-bit components (1.5).
  pack::PdfWriter pdf(sink, "1.5");
  const int catalog = pdf.reserve(), pages = pdf.reserve();
  const int info = options.creation_date ? pdf.reserve() : 0;

  PackReport report;
  report.output = output;
  std::vector<int> kids;
  for (const auto& path : images) {
    auto page = add_page(pdf, pages, path, options, kids);
    if (!page) return page.error();  // the temporary file goes with `out`
    report.pages.push_back(std::move(*page));
  }
  std::string kid_refs;
  for (int k : kids) kid_refs += fmt::format("{}{} 0 R", kid_refs.empty() ? "" : " ", k);
  pdf.object(pages, fmt::format("<< /Type /Pages /Kids [{}] /Count {} >>", kid_refs, kids.size()));
  pdf.object(catalog, fmt::format("<< /Type /Catalog /Pages {} 0 R >>", pages));
  if (info)
    pdf.object(info, fmt::format("<< /CreationDate {} >>", pdf_date(*options.creation_date)));
  if (!pdf.finish(catalog, info)) {
    if (Status s = (*out)->status(); !s) return s.error();  // the write error, with its cause
    return Error(ErrorCode::internal, i18n::format(N_("{}: PDF incomplete"), output), output);
  }
  if (Status s = (*out)->commit(); !s) return s.error();
  report.output_bytes = pdf.bytes_written();
  return report;
}

}  // namespace sne
