/// @file
/// The file formats a piece may be sent as.
///
/// A word of the whole library, below the catalog (which lists the formats each piece type
/// accepts), the image probes and the inspector (which detect them from the bytes).
#pragma once

#include <string_view>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// File formats a piece may be sent as, detected from the bytes (never the extension).
enum class Format { pdf, jpeg, png };
SNE_EXPORT std::string_view to_string(Format f) noexcept;  ///< "pdf", "jpeg", "png"
/// "pdf", "jpeg" (or "jpg"), "png", in any case, spaces around ignored; invalid_input with
/// subject "format" otherwise.
SNE_EXPORT Result<Format> parse_format(std::string_view text);

}  // namespace sne
