#include "grid/model/job_peek.hpp"

#include <gtest/gtest.h>

#include "grid/model/job.hpp"

namespace grid::model {
namespace {

TEST(PeekJobStatus, ReadsTheStatusOfEveryEncodedJob) {
  for (const auto status : {JobStatus::kPending, JobStatus::kRunning, JobStatus::kCompleted,
                            JobStatus::kFailed, JobStatus::kCancelled}) {
    JobRequest request;
    request.target = {"node", "n1"};
    request.tasks = {Phase{}};
    request.tasks[0].backend = "ping";
    request.tasks[0].action = "echo";
    Job job = new_pending_job(request, "0123456789abcdef", {"n1"}, now());
    job.status = status;
    const std::string text = to_json_text(job);
    EXPECT_EQ(peek_job_status(text), parse_job(text).status) << text;
  }
}

TEST(PeekJobStatus, OnlyTheTopLevelStatusCounts) {
  // Results (whose entries have a "status" of their own) written before the job's status.
  EXPECT_EQ(peek_job_status(R"({"results":{"0":{"n1":{"status":"success"}}},"tasks":[)"
                            R"({"status":"completed"}],"status":"running"})"),
            JobStatus::kRunning);
  EXPECT_EQ(peek_job_status(R"({"a":[{"status":"completed"}],"b":{"status":"failed"}})"),
            std::nullopt);
  EXPECT_EQ(peek_job_status(R"([{"status":"completed"}])"), std::nullopt);
}

TEST(PeekJobStatus, StopsAtTheStatus) {
  // What follows the status is never read: a terminal job's results are not parsed.
  EXPECT_EQ(peek_job_status(R"({"id":"x","status":"completed","results":{ not json at all)"),
            JobStatus::kCompleted);
}

TEST(PeekJobStatus, GarbageHasNoStatus) {
  for (const std::string_view text :
       {"", "{", "null", "\"status\"", R"({"status":1})", R"({"status":null})",
        R"({"status":{"x":"completed"}})", R"({"status":"weird"})", R"({"id":"x"})",
        R"({"id":"x",)", "{} {\"status\":\"completed\"}"}) {
    EXPECT_EQ(peek_job_status(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace grid::model
