// Fuzz target: the image header reader never crashes, never reads out of bounds, and whatever
// it accepts is a plausible image: positive size, 1 to 4 components, orientation 1..8, finite
// non-negative density, a palette that matches its entry count.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"

#include "image/probe.hpp"

using sne::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto exif = sne::image::read_exif(input);
  require(exif.orientation >= 1 && exif.orientation <= 8);
  require(std::isfinite(exif.dpi_x) && exif.dpi_x >= 0 && std::isfinite(exif.dpi_y) &&
          exif.dpi_y >= 0);

  auto info = sne::image::probe(input);
  if (!info.ok()) {
    require(info.error().code() == sne::ErrorCode::invalid_input);
    require(!info.error().message().empty());
    return 0;
  }
  require(info->width > 0 && info->height > 0);
  require(info->components >= 1 && info->components <= 4);
  require(info->orientation >= 1 && info->orientation <= 8);
  require(std::isfinite(info->dpi_x) && info->dpi_x >= 0);
  require(std::isfinite(info->dpi_y) && info->dpi_y >= 0);
  require((info->dpi_x == 0) == (info->dpi_y == 0));
  if (info->format == sne::Format::jpeg) {
    require(info->bits >= 2 && info->bits <= 16);
    require(info->jpeg_sof >= 0xC0 && info->jpeg_sof <= 0xCF);
    require(!info->cmyk_inverted || info->components == 4);
    require(info->png_color_type == -1);
  } else {
    require(info->format == sne::Format::png);
    require(info->bits == 1 || info->bits == 2 || info->bits == 4 || info->bits == 8 ||
            info->bits == 16);
    require(info->palette.size() == static_cast<std::size_t>(info->palette_entries) * 3);
    require(info->png_color_type != 3 || info->palette_entries > 0);
    require(info->idat_bytes <= size);
  }
  // Reading is a function of the bytes.
  auto again = sne::image::probe(input);
  require(again.ok() && again->width == info->width && again->complete == info->complete &&
          again->orientation == info->orientation);
  return 0;
}
