// Internal: the percentile rule of the dashboard's processing times, shared by pli_stats() and
// the report.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace sne::tracking {

/// Nearest rank: the value at position ceil(percent * n / 100), counted from 1, of `sorted`
/// (ascending, not empty): the smallest value at or under which `percent` % of them are.
inline long nearest_rank(const std::vector<long>& sorted, std::size_t percent) {
  const std::size_t r = (percent * sorted.size() + 99) / 100;
  return sorted[std::max<std::size_t>(r, 1) - 1];
}

}  // namespace sne::tracking
