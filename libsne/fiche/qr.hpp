// Internal: QR code matrices, from libqrencode. Knows nothing of fiches.
#pragma once

#include <string_view>
#include <vector>

#include "sne/error.hpp"

namespace sne::qr {

/// A square of modules, row 0 at the top.
struct Matrix {
  int width = 0;
  std::vector<bool> dark;  ///< width * width, row-major
  bool at(int row, int column) const {
    return dark[static_cast<std::size_t>(row) * static_cast<std::size_t>(width) +
                static_cast<std::size_t>(column)];
  }
};

/// Encodes `text` at error-correction level M (15 %), in the smallest version that holds it,
/// using the alphanumeric mode where the text allows. invalid_input when it cannot be encoded.
Result<Matrix> encode(std::string_view text);

}  // namespace sne::qr
