// A pack report as JSON: snake_case keys, sizes in bytes and points.
#include "sne/pack.hpp"

namespace sne {

namespace {

Json page_json(std::size_t number, const PackedPage& p) {
  return Json::object()
      .set("page", number)
      .set("file", p.file)
      .set("format", to_string(p.format))
      .set("width", p.width)
      .set("height", p.height)
      .set("components", p.components)
      .set("bits", p.bits)
      .set("dpi_x", p.dpi_x)
      .set("dpi_y", p.dpi_y)
      .set("dpi_estimated", p.dpi_estimated)
      .set("orientation", p.orientation)
      .set("embedding", to_string(p.embedding))
      .set("soft_mask", p.soft_mask)
      .set("page_width_pt", p.page_width_pt)
      .set("page_height_pt", p.page_height_pt)
      .set("stream_bytes", p.stream_bytes);
}

}  // namespace

Json to_json(const PackReport& report) {
  Json pages = Json::array();
  for (std::size_t i = 0; i < report.pages.size(); ++i)
    pages.push(page_json(i + 1, report.pages[i]));
  return Json::object()
      .set("output", report.output)
      .set("bytes", report.output_bytes)
      .set("pages", std::move(pages));
}

}  // namespace sne
