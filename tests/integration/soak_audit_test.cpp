// The kill soak's audit (soak_audit.hpp) on hand-written logs: what counts as duplicated,
// missing, late, or exempt as an unconfirmed dispatch.
#include "soak_audit.hpp"

#include <gtest/gtest.h>

namespace grid::test {
namespace {

const std::string kJob = "0123456789abcdef";

nlohmann::json one_step_job(const std::string& status, const nlohmann::json& results) {
  return {{"status", status},
          {"tasks", nlohmann::json::array({nlohmann::json::object()})},
          {"expected", {"n1"}},
          {"results", results}};
}

std::string ran(int sequence) {
  return "2026-11-27T12:00:00.000Z D gridw: running job " + kJob + " step 0 (test succeed, sequence " +
         std::to_string(sequence) + ")\n";
}

std::string answered(int sequence, const std::string& status) {
  return "2026-11-27T12:00:00.100Z D gridw: job " + kJob + " step 0 (test succeed, sequence " +
         std::to_string(sequence) + "): " + status + " in 1ms\n";
}

TEST(SoakAudit, APublishedResultTheJobDoesNotHoldIsMissing) {
  const auto figures = audit_soak({{kJob, one_step_job("failed", nlohmann::json::object())}},
                                  {{"n1", ran(7) + answered(7, "success")}}, "");
  EXPECT_EQ(figures.acknowledged_results, 1u);
  EXPECT_EQ(figures.missing_results, 1u);
  EXPECT_EQ(figures.duplicated, 0u);
}

TEST(SoakAudit, AStepEndedAtAnUnconfirmedDispatchHasNoMissingResults) {
  const std::string controller =
      "2026-11-27T12:00:05.000Z W grid: job " + kJob +
      ": publishing step 0 failed: publishing to cmd.all.test.succeed: Timeout\n";
  const auto figures = audit_soak({{kJob, one_step_job("failed", nlohmann::json::object())}},
                                  {{"n1", ran(7) + answered(7, "success")}}, controller);
  EXPECT_EQ(figures.unconfirmed_dispatches, 1u);
  EXPECT_EQ(figures.missing_results, 0u);
}

TEST(SoakAudit, ASequenceRunTwiceIsDuplicatedAndATimeoutIsLate) {
  const nlohmann::json results = {
      {"0", {{"n1", {{"status", "failed"}, {"error", "timeout: no result within 8s"}}}}}};
  const auto figures = audit_soak({{kJob, one_step_job("failed", results)}},
                                  {{"n1", ran(7) + ran(7) + answered(7, "success")}}, "");
  EXPECT_EQ(figures.duplicated, 1u);
  EXPECT_EQ(figures.late_results, 1u);
  EXPECT_EQ(figures.missing_results, 0u);
}

}  // namespace
}  // namespace grid::test
