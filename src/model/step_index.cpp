#include "grid/model/step_index.hpp"

namespace grid::model {
namespace {

void collect_leaves(const Phase& phase, std::size_t top_index, std::vector<LeafStep>& leaves) {
  if (is_leaf(phase)) {
    leaves.push_back(LeafStep{leaves.size(), top_index, &phase});
    return;
  }
  for (const Phase& task : phase.tasks) collect_leaves(task, top_index, leaves);
}

std::size_t count_leaves(const Phase& phase) {
  if (is_leaf(phase)) return 1;
  std::size_t count = 0;
  for (const Phase& task : phase.tasks) count += count_leaves(task);
  return count;
}

}  // namespace

std::size_t leaf_count(const std::vector<Phase>& phases) {
  std::size_t count = 0;
  for (const Phase& phase : phases) count += count_leaves(phase);
  return count;
}

std::vector<LeafStep> flatten_leaves(const std::vector<Phase>& phases) {
  std::vector<LeafStep> leaves;
  for (std::size_t i = 0; i < phases.size(); ++i) collect_leaves(phases[i], i, leaves);
  return leaves;
}

std::size_t first_step_index(const std::vector<Phase>& phases, std::size_t top_index) {
  std::size_t index = 0;
  for (std::size_t i = 0; i < top_index; ++i) index += count_leaves(phases[i]);
  return index;
}

}  // namespace grid::model
