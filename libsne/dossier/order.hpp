// The one order of a category's pieces, shared by the view and the planner: oldest first by
// date_ajout, ties broken by id, so that both say the same thing about "the oldest".
#pragma once

#include <algorithm>
#include <vector>

#include "sne/demande.hpp"

namespace sne::dossier {

inline bool older(const StoredPiece& a, const StoredPiece& b) {
  if (a.date_ajout != b.date_ajout) return a.date_ajout < b.date_ajout;
  return a.id < b.id;
}

inline void sort_oldest_first(std::vector<const StoredPiece*>& pieces) {
  std::sort(pieces.begin(), pieces.end(),
            [](const StoredPiece* a, const StoredPiece* b) { return older(*a, *b); });
}

}  // namespace sne::dossier
