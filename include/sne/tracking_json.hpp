/// @file
/// The tableau de bord's plis as JSON text, written straight into a buffer.
///
/// `to_json(pli, now).dump(2)` (sne/tracking.hpp) builds a sne::Json of some twenty values for
/// each pli before writing it out; listing 100,000 plis spent a third of its time there. The
/// function here writes the same bytes without that tree, for programs that print long lists.
#pragma once

#include <string>

#include "sne/export.hpp"
#include "sne/pli.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// Appends to `out` the pli judged at `now` exactly as `to_json(pli, now)` is written when it
/// stands `depth` levels deep in a document written by Json::dump(2): "{", each member on a
/// line of its own indented by 2 * (depth + 1) spaces (the sla's by 2 * (depth + 2)), then "}"
/// indented by 2 * depth spaces; no newline before the "{" nor after the "}". At depth 0 it is
/// `to_json(pli, now).dump(2)`; at depth 1, an item of a JSON array printed by `sne pli list
/// --json` after its two spaces. A negative depth counts as 0.
SNE_EXPORT void append_json(std::string& out, const PliSummary& pli, Timestamp now, int depth = 0);

}  // namespace sne
