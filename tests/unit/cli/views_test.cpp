#include "grid/cli/views.hpp"

#include <gtest/gtest.h>

#include "sample_jobs.hpp"

namespace grid::cli {
namespace {

TEST(Views, SubmissionLines) {
  EXPECT_EQ(submission_lines(test::running_job()),
            "Job job-1 submitted (2 tasks, target=group:web, strategy=continue)\n"
            "Expected nodes: [n1 n2]\n");
  auto job = test::pending_job();
  job.expected.clear();
  EXPECT_EQ(submission_lines(job),
            "Job j2 submitted (1 tasks, target=all:, strategy=fail-fast)\nExpected nodes: []\n");
}

TEST(Views, FinishedLeavesNeedEveryExpectedNode) {  // BUG-43
  EXPECT_EQ(finished_leaves(test::running_job()), 1u);
  EXPECT_EQ(finished_leaves(test::pending_job()), 0u);
  auto job = test::running_job();
  job.expected.clear();
  EXPECT_EQ(finished_leaves(job), 2u);
}

TEST(Views, JobTable) {
  EXPECT_EQ(job_table({}), "No jobs found\n");
  EXPECT_EQ(job_table({test::running_job(), test::pending_job()}),
            "ID     STATUS   PROGRESS  TARGET     STRATEGY   NODES  CREATED\n"
            "job-1  running  1/3       group:web  continue   2      2026-02-13T09:41:07Z\n"
            "j2     pending  0/1       all:       fail-fast  1      2026-02-13T10:00:00Z\n");
}

TEST(Views, NodeTable) {
  EXPECT_EQ(node_table({}), "No nodes registered\n");
  EXPECT_EQ(node_table({test::node("n1", R"(["web","db"])"), test::node("n22", "null")}),
            "ID   STATUS  HOSTNAME  GROUPS  BACKENDS  LAST SEEN\n"
            "n1   online  host-n1   web,db  apt,ping  2026-02-13T09:41:07Z\n"
            "n22  online  host-n22  -       apt,ping  2026-02-13T09:41:07Z\n");
}

TEST(Views, ResultsJsonIsSortedAndIndented) {
  EXPECT_EQ(results_json(test::pending_job()), "null");
  auto job = test::running_job();
  job.results[10]["a"] = {};
  EXPECT_EQ(results_json(job),
            R"({
  "0": {
    "n1": {
      "status": "success",
      "duration": "500ms"
    },
    "n2": {
      "status": "success",
      "output": "hi",
      "duration": "1.5s"
    }
  },
  "1": {
    "n1": {
      "status": "failed",
      "error": "boom",
      "duration": "2s",
      "attempts": 2
    }
  },
  "10": {
    "a": {
      "status": "success",
      "duration": "0s"
    }
  }
})");
}

TEST(Views, NodeSummaryTable) {
  auto job = test::running_job();
  job.results[1]["zz"] = {model::NodeResultStatus::kSkipped, "", "", Duration{0}, 0};
  EXPECT_EQ(node_summary_table(job),
            "NODE  SUCCESS  FAILED  SKIPPED  TIME  ERROR\n"
            "n1    1        1       0        2.5s  boom\n"
            "n2    1        0       0        1.5s\n"
            "zz    0        0       1        0s\n");
}

}  // namespace
}  // namespace grid::cli
