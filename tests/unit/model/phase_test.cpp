#include "grid/model/phase.hpp"

#include <gtest/gtest.h>

#include "grid/model/condition.hpp"

namespace grid::model {
namespace {

Phase decode(std::string_view text) {
  return decode_phase(parse_json(text), "tasks[0]");
}

TEST(PhaseJson, LeafKeepsFieldOrderAndOmitsEmptyFields) {
  const Phase phase{.backend = "apt",
                    .action = "install",
                    .params = {{"package", "nginx"}, {"version", "1.2"}},
                    .timeout = "10m",
                    .max_retries = 2,
                    .tasks = {},
                    .condition = "on_success"};
  const std::string text =
      R"({"backend":"apt","action":"install","params":{"package":"nginx","version":"1.2"},)"
      R"("timeout":"10m","max_retries":2,"condition":"on_success"})";
  EXPECT_EQ(to_json_text(phase), text);
  EXPECT_EQ(decode(text), phase);
}

TEST(PhaseJson, EmptyPhaseIsAnEmptyObject) {
  EXPECT_EQ(to_json_text(Phase{}), "{}");
  EXPECT_EQ(decode(R"({"params":{},"tasks":[],"max_retries":0,"backend":""})"), Phase{});
}

TEST(PhaseJson, BranchSerialisesSubPhases) {
  Phase branch;
  branch.tasks = {Phase{.backend = "ping", .action = "echo"}, Phase{.backend = "b", .action = "c"}};
  const std::string text =
      R"({"tasks":[{"backend":"ping","action":"echo"},{"backend":"b","action":"c"}]})";
  EXPECT_EQ(to_json_text(branch), text);
  EXPECT_EQ(decode(text), branch);
}

TEST(PhaseJson, NegativeAndLargeRetriesSurviveDecodingForValidation) {
  EXPECT_EQ(decode(R"({"max_retries":-1})").max_retries, -1);
  EXPECT_EQ(decode(R"({"max_retries":9223372036854775807})").max_retries, 9223372036854775807);
}

TEST(PhaseKind, LeafAndBranch) {
  EXPECT_TRUE(is_leaf(Phase{.backend = "apt"}));
  EXPECT_FALSE(is_leaf(Phase{.action = "install"}));
  Phase branch;
  branch.tasks.push_back(Phase{.backend = "apt"});
  EXPECT_TRUE(is_branch(branch));
  EXPECT_FALSE(is_leaf(branch));
  EXPECT_FALSE(is_branch(Phase{.backend = "apt"}));
}

TEST(EffectiveTimeout, DefaultsToFiveMinutes) {
  EXPECT_EQ(effective_timeout(Phase{}), std::chrono::minutes(5));
  EXPECT_EQ(effective_timeout(Phase{.timeout = "90s"}), std::chrono::seconds(90));
  EXPECT_EQ(effective_timeout(Phase{.timeout = "junk"}), std::chrono::minutes(5));
}

TEST(Condition, Parses) {
  EXPECT_EQ(parse_condition(""), Condition::kAlways);
  EXPECT_EQ(parse_condition("always"), Condition::kAlways);
  EXPECT_EQ(parse_condition("on_success"), Condition::kOnSuccess);
  EXPECT_EQ(parse_condition("on_failure"), Condition::kOnFailure);
  EXPECT_EQ(parse_condition("sometimes"), std::nullopt);
  EXPECT_EQ(parse_condition("on-failure"), std::nullopt);
}

}  // namespace
}  // namespace grid::model
