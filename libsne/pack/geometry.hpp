// Internal: where an image goes on its page. The page size from the image's resolution (or
// fitted to A4), and the matrix that draws the stored image upright for its EXIF orientation.
#pragma once

#include <array>
#include <cstdint>

#include "sne/error.hpp"

namespace sne::pack {

constexpr double kA4Short = 595.28;  ///< points
constexpr double kA4Long = 841.89;
constexpr double kMaxPagePt = 14400;  ///< PDF's user-space limit of a page side (200 inches)
constexpr double kMinPagePt = 3;      ///< and its smallest side

/// A PDF matrix [a b c d e f]: (x, y) -> (a x + c y + e, b x + d y + f).
using Matrix = std::array<double, 6>;

struct PageGeometry {
  double width_pt = 0, height_pt = 0;  ///< the page as shown (after orientation)
  double dpi_x = 0, dpi_y = 0;         ///< resolution of the stored image's x and y axes
  bool estimated = false;              ///< no resolution given: fitted to A4
  Matrix matrix{};                     ///< maps the image's unit square onto the page
};

/// The matrix that maps the image's unit square (stored top-left corner at (0, 1)) onto a page
/// of `page_w` x `page_h` points so that the image shows upright. Precondition: orientation
/// 1..8 (anything else is taken as 1).
Matrix orientation_matrix(int orientation, double page_w, double page_h);

/// True for the orientations that swap width and height (5 to 8).
bool swaps_axes(int orientation);

/// The page of a `width` x `height` pixel image of the given resolution (0 when unknown) and
/// orientation. Unknown resolution: the image is scaled to fit A4, portrait or landscape after
/// its aspect. invalid_input when a side would fall outside 3..14400 pt.
Result<PageGeometry> page_geometry(std::uint32_t width, std::uint32_t height, double dpi_x,
                                   double dpi_y, int orientation);

}  // namespace sne::pack
