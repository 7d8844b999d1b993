#include "pack/geometry.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "base/i18n.hpp"

namespace sne::pack {

namespace {

/// Where the stored image's top-left, top-right and bottom-left corners land on the page, as
/// fractions of its width and height (y up), for each EXIF orientation (TIFF 6.0, tag 274:
/// "the 0th row is the visual top, the 0th column the visual left-hand side"...).
struct Corners {
  int tl_x, tl_y, tr_x, tr_y, bl_x, bl_y;
};
constexpr std::array<Corners, 8> kCorners{{
    {0, 1, 1, 1, 0, 0},  // 1: row 0 top, column 0 left
    {1, 1, 0, 1, 1, 0},  // 2: row 0 top, column 0 right (mirrored)
    {1, 0, 0, 0, 1, 1},  // 3: row 0 bottom, column 0 right (rotated 180)
    {0, 0, 1, 0, 0, 1},  // 4: row 0 bottom, column 0 left (flipped)
    {0, 1, 0, 0, 1, 1},  // 5: row 0 left, column 0 top (transposed)
    {1, 1, 1, 0, 0, 1},  // 6: row 0 right, column 0 top (rotated 90 clockwise)
    {1, 0, 1, 1, 0, 0},  // 7: row 0 right, column 0 bottom (transverse)
    {0, 0, 0, 1, 1, 0},  // 8: row 0 left, column 0 bottom (rotated 90 counter-clockwise)
}};

}  // namespace

bool swaps_axes(int orientation) { return orientation >= 5 && orientation <= 8; }

Matrix orientation_matrix(int orientation, double page_w, double page_h) {
  const auto index =
      static_cast<std::size_t>(orientation >= 1 && orientation <= 8 ? orientation - 1 : 0);
  const Corners& c = kCorners[index];
  // Image space: bottom-left (0,0), top-left (0,1), top-right (1,1). So (e, f) is where the
  // bottom-left corner lands, (a, b) the image's x axis (top-left to top-right) and (c, d)
  // its y axis (bottom-left to top-left).
  return {(c.tr_x - c.tl_x) * page_w,
          (c.tr_y - c.tl_y) * page_h,
          (c.tl_x - c.bl_x) * page_w,
          (c.tl_y - c.bl_y) * page_h,
          c.bl_x * page_w,
          c.bl_y * page_h};
}

Result<PageGeometry> page_geometry(std::uint32_t width, std::uint32_t height, double dpi_x,
                                   double dpi_y, int orientation) {
  PageGeometry g;
  const bool swap = swaps_axes(orientation);
  if (dpi_x > 0 && dpi_y > 0 && std::isfinite(dpi_x) && std::isfinite(dpi_y)) {
    g.dpi_x = dpi_x;
    g.dpi_y = dpi_y;
  } else {
    // Shown size in pixels, then the largest scale that fits A4 in the same aspect.
    const double w = swap ? height : width, h = swap ? width : height;
    const double box_w = w > h ? kA4Long : kA4Short, box_h = w > h ? kA4Short : kA4Long;
    const double scale = std::min(box_w / w, box_h / h);  // points per pixel
    g.dpi_x = g.dpi_y = 72.0 / scale;
    g.estimated = true;
  }
  const double stored_w = width * 72.0 / g.dpi_x, stored_h = height * 72.0 / g.dpi_y;
  g.width_pt = swap ? stored_h : stored_w;
  g.height_pt = swap ? stored_w : stored_h;
  for (double side : {g.width_pt, g.height_pt}) {
    if (side > kMaxPagePt || side < kMinPagePt)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("{}x{} pixels at {:.4g}x{:.4g} dpi make a page of "
                                   "{:.0f}x{:.0f} pt, outside PDF's {:.0f} to {:.0f} pt"),
                                width, height, g.dpi_x, g.dpi_y, g.width_pt, g.height_pt,
                                kMinPagePt, kMaxPagePt));
  }
  g.matrix = orientation_matrix(orientation, g.width_pt, g.height_pt);
  return g;
}

}  // namespace sne::pack
