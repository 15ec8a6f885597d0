#include "grid/model/job_status.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace grid::model {
namespace {

constexpr JobStatus kAll[] = {JobStatus::kPending, JobStatus::kRunning, JobStatus::kCompleted,
                              JobStatus::kFailed, JobStatus::kCancelled};

TEST(JobStatus, TextRoundTrips) {
  const std::vector<std::string> names{"pending", "running", "completed", "failed", "cancelled"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(to_string(kAll[i]), names[i]);
    EXPECT_EQ(parse_job_status(names[i]), kAll[i]);
  }
  EXPECT_EQ(parse_job_status("Pending"), std::nullopt);
  EXPECT_EQ(parse_job_status(""), std::nullopt);
}

TEST(JobStatus, TerminalStates) {
  EXPECT_FALSE(is_terminal(JobStatus::kPending));
  EXPECT_FALSE(is_terminal(JobStatus::kRunning));
  EXPECT_TRUE(is_terminal(JobStatus::kCompleted));
  EXPECT_TRUE(is_terminal(JobStatus::kFailed));
  EXPECT_TRUE(is_terminal(JobStatus::kCancelled));
}

TEST(JobStatus, ExactlyTheTransitionsOfTheStateMachine) {
  using enum JobStatus;
  const std::set<std::pair<JobStatus, JobStatus>> allowed{
      {kPending, kRunning}, {kPending, kCancelled}, {kPending, kPending}, {kRunning, kCompleted},
      {kRunning, kFailed},  {kRunning, kCancelled}, {kRunning, kPending}};
  for (const JobStatus from : kAll) {
    for (const JobStatus to : kAll) {
      EXPECT_EQ(is_transition_allowed(from, to), allowed.count({from, to}) == 1)
          << to_string(from) << " -> " << to_string(to);
    }
  }
}

}  // namespace
}  // namespace grid::model
