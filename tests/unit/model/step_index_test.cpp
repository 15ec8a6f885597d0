#include "grid/model/step_index.hpp"

#include <gtest/gtest.h>

namespace grid::model {
namespace {

Phase leaf(std::string action) {
  return Phase{.backend = "test", .action = std::move(action)};
}

Phase branch(std::vector<Phase> tasks) {
  Phase phase;
  phase.tasks = std::move(tasks);
  return phase;
}

TEST(StepIndex, SpecExampleLeafBranchLeaf) {
  const std::vector<Phase> phases{leaf("a"), branch({leaf("b"), leaf("c")}), leaf("d")};
  EXPECT_EQ(leaf_count(phases), 4u);
  const auto leaves = flatten_leaves(phases);
  ASSERT_EQ(leaves.size(), 4u);
  const std::vector<std::pair<std::size_t, std::string>> expected{
      {0, "a"}, {1, "b"}, {1, "c"}, {2, "d"}};
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    EXPECT_EQ(leaves[i].flat_index, i);
    EXPECT_EQ(leaves[i].top_index, expected[i].first);
    EXPECT_EQ(leaves[i].phase->action, expected[i].second);
  }
  EXPECT_EQ(first_step_index(phases, 0), 0u);
  EXPECT_EQ(first_step_index(phases, 1), 1u);
  EXPECT_EQ(first_step_index(phases, 2), 3u);
}

TEST(StepIndex, EmptyTreeHasNoLeaves) {
  EXPECT_EQ(leaf_count({}), 0u);
  EXPECT_TRUE(flatten_leaves({}).empty());
  EXPECT_EQ(leaf_count({branch({})}), 0u);
}

TEST(StepIndex, DepthFirstOverDeeperTrees) {
  const std::vector<Phase> phases{branch({branch({leaf("a"), leaf("b")}), leaf("c")}), leaf("d")};
  EXPECT_EQ(leaf_count(phases), 4u);
  const auto leaves = flatten_leaves(phases);
  ASSERT_EQ(leaves.size(), 4u);
  EXPECT_EQ(leaves[2].phase->action, "c");
  EXPECT_EQ(leaves[3].top_index, 1u);
  EXPECT_EQ(first_step_index(phases, 1), 3u);
}

}  // namespace
}  // namespace grid::model
