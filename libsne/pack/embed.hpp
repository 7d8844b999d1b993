// Internal: an image made into PDF image XObjects. One function per format; both take the
// file's bytes and what probe() read from them, and return the stream dictionaries and data
// (borrowed from the bytes where they are copied unchanged).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/probe.hpp"
#include "sne/error.hpp"
#include "sne/pack.hpp"

namespace sne::pack {

/// A stream's dictionary entries (without /Length) and data: `owned` when the data was made
/// here, else `borrowed` views into the caller's bytes, which must outlive it.
struct XObject {
  std::string dict;
  std::string owned;
  std::vector<std::string_view> borrowed;
  std::vector<std::string_view> parts() const {
    return borrowed.empty() ? std::vector<std::string_view>{owned} : borrowed;
  }
};

struct EmbeddedImage {
  XObject image;
  std::optional<XObject> smask;  ///< the alpha channel, when the image has a useful one
  Embedding embedding = Embedding::jpeg_copied;
  int bits = 8;        ///< bits per component in the PDF
  int components = 0;  ///< colour components plus alpha
};

/// The JPEG's bytes as a DCTDecode stream, after libjpeg has decoded them (at 1/8 scale)
/// without error or warning. invalid_input for JPEGs PDF cannot carry (not 8-bit, arithmetic,
/// lossless, hierarchical, 2 components) or that are truncated or corrupt.
Result<EmbeddedImage> embed_jpeg(std::string_view bytes, const image::ImageInfo& info);

/// The PNG's IDAT data unchanged (FlateDecode, PNG predictors) when PDF can show it as is
/// (not interlaced, no alpha, no tRNS); else decoded by libpng and deflated again, losslessly,
/// with the alpha channel as an /SMask. The data is checked in both cases: invalid_input when
/// it is truncated or corrupt.
Result<EmbeddedImage> embed_png(std::string_view bytes, const image::ImageInfo& info);

}  // namespace sne::pack
