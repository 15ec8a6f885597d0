// The scheduler's pure rules: backoff (§6.6, BUG-50), condition gate (§6.4), target
// matching (§7), job size bound (BUG-23).
#include <gtest/gtest.h>

#include "grid/scheduler/backoff.hpp"
#include "grid/scheduler/claim.hpp"
#include "grid/scheduler/condition_gate.hpp"
#include "grid/scheduler/job_store.hpp"
#include "grid/scheduler/target_resolution.hpp"

namespace grid::scheduler {
namespace {

using namespace std::chrono_literals;
using model::Condition;

TEST(Backoff, DoublesFromOneSecondAndSaturatesAtThirty) {
  EXPECT_EQ(retry_backoff(1), 1s);
  EXPECT_EQ(retry_backoff(2), 2s);
  EXPECT_EQ(retry_backoff(3), 4s);
  EXPECT_EQ(retry_backoff(4), 8s);
  EXPECT_EQ(retry_backoff(5), 16s);
  EXPECT_EQ(retry_backoff(6), 30s);
  EXPECT_EQ(retry_backoff(34), 30s);
  EXPECT_EQ(retry_backoff(100), 30s);
  EXPECT_EQ(retry_backoff(1LL << 62), 30s);
}

TEST(ClaimHints, GivesEachRevisionOnceAndForgetsTheOldestBeyondCapacity) {
  ClaimHints hints(2);
  hints.remember("a", 1);
  hints.remember("b", 2);
  EXPECT_EQ(hints.take("a"), 1u);
  EXPECT_EQ(hints.take("a"), std::nullopt);
  hints.remember("c", 3);
  hints.remember("d", 4);  // b is the oldest remembered of the last two: forgotten
  EXPECT_EQ(hints.take("b"), std::nullopt);
  EXPECT_EQ(hints.take("c"), 3u);
  EXPECT_EQ(hints.take("d"), 4u);
  EXPECT_EQ(hints.take("unknown"), std::nullopt);
}

TEST(ConditionGate, FollowsTheTableOfSection64) {
  // fail-fast triggered
  EXPECT_FALSE(phase_runs(Condition::kAlways, true, true));
  EXPECT_FALSE(phase_runs(Condition::kOnSuccess, true, true));
  EXPECT_TRUE(phase_runs(Condition::kOnFailure, true, true));
  // not triggered, no failure
  EXPECT_TRUE(phase_runs(Condition::kAlways, false, false));
  EXPECT_TRUE(phase_runs(Condition::kOnSuccess, false, false));
  EXPECT_FALSE(phase_runs(Condition::kOnFailure, false, false));
  // not triggered, a step failed (continue)
  EXPECT_TRUE(phase_runs(Condition::kAlways, false, true));
  EXPECT_FALSE(phase_runs(Condition::kOnSuccess, false, true));
  EXPECT_TRUE(phase_runs(Condition::kOnFailure, false, true));
}

model::NodeInfo node(std::string id, std::vector<std::string> groups, std::string status,
                     Timestamp seen) {
  return {id, "h", groups, std::vector<std::string>{}, status, seen};
}

TEST(TargetResolution, KeepsOnlineMatchingNodesInListingOrder) {
  const Timestamp t = now();
  const std::vector<model::NodeInfo> nodes{
      node("b", {"web"}, "online", t), node("a", {"db"}, "online", t - 10s),
      node("c", {"web"}, "offline", t), node("d", {"web"}, "online", t - 2min),
      node("e", {"web"}, "online", t - 119s)};
  EXPECT_EQ(match_targets(nodes, {"all", ""}, t), (std::vector<std::string>{"b", "a", "e"}));
  EXPECT_EQ(match_targets(nodes, {"group", "web"}, t), (std::vector<std::string>{"b", "e"}));
  EXPECT_EQ(match_targets(nodes, {"group", "Web"}, t), std::vector<std::string>{});
  EXPECT_EQ(match_targets(nodes, {"node", "a"}, t), std::vector<std::string>{"a"});
  EXPECT_EQ(match_targets(nodes, {"node", "d"}, t), std::vector<std::string>{});
  EXPECT_EQ(match_targets(nodes, {"nodes", "a"}, t), std::vector<std::string>{});
  EXPECT_EQ(no_match_error({"group", "web"}), "no online nodes match target group:web");
}

TEST(JobStore, EncodeBoundedTruncatesOutputsUntilTheDocumentFits) {
  model::Job job;
  job.id = "0123456789abcdef";
  for (int step = 0; step < 4; ++step) {
    for (const char* n : {"n1", "n2", "n3"}) {
      job.results[step][n].output = std::string(256 * 1024, 'x');
    }
  }
  const std::string text = JobStore::encode_bounded(job);
  EXPECT_LE(text.size(), kMaxJobDocument);
  const auto& output = job.results[0]["n1"].output;
  EXPECT_TRUE(output.ends_with(kTruncatedSuffix));
  EXPECT_NE(text.find("[output truncated]"), std::string::npos);

  model::Job small;
  small.results[0]["n1"].output = "ok";
  JobStore::encode_bounded(small);
  EXPECT_EQ(small.results[0]["n1"].output, "ok");
}

}  // namespace
}  // namespace grid::scheduler
