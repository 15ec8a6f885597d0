// Flat step indexing (SPEC §3.2): leaves are numbered 0, 1, 2, ... depth-first over the whole
// task tree; results, `task-index` headers and result subjects use these numbers.
#pragma once

#include <cstddef>
#include <vector>

#include "grid/model/phase.hpp"

namespace grid::model {

// One leaf of the tree. `phase` points into the vector passed to flatten_leaves and is valid
// as long as that vector is neither destroyed nor modified.
struct LeafStep {
  std::size_t flat_index{};  // position in depth-first leaf order
  std::size_t top_index{};   // index of the top-level phase containing the leaf
  const Phase* phase = nullptr;
};

// Number of leaves (the job's leaf count).
std::size_t leaf_count(const std::vector<Phase>& phases);

// Every leaf in flat-index order.
std::vector<LeafStep> flatten_leaves(const std::vector<Phase>& phases);

// Flat index of the first leaf of phases[top_index] (for a leaf, its own index).
// Precondition: top_index < phases.size().
std::size_t first_step_index(const std::vector<Phase>& phases, std::size_t top_index);

}  // namespace grid::model
