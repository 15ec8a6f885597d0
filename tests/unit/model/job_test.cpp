#include "grid/model/job.hpp"

#include <gtest/gtest.h>

#include "grid/common/error.hpp"

namespace grid::model {
namespace {

// SPEC §3.3 example, compact, with the "…" outputs spelled out.
constexpr std::string_view kSpecJob =
    R"({"id":"3f9c2a7b1e4d8c60","target":{"scope":"group","value":"web"},"tasks":[)"
    R"({"backend":"apt","action":"install","params":{"package":"nginx"},"max_retries":2},)"
    R"({"tasks":[{"backend":"systemd","action":"enable","params":{"unit":"nginx"}},)"
    R"({"backend":"health","action":"http","params":{"url":"http://localhost/"}}]},)"
    R"({"backend":"ping","action":"echo","params":{"message":"rollback"},"condition":"on_failure"}],)"
    R"("strategy":"fail-fast","timeout":"30m","status":"completed","step":0,)"
    R"("expected":["web-01","web-02"],"results":{)"
    R"("0":{"web-01":{"status":"success","output":"ok","duration":"2.31s"},)"
    R"("web-02":{"status":"success","output":"ok","duration":"1.8s","attempts":2}},)"
    R"("1":{"web-01":{"status":"success","output":"ok","duration":"120ms"},)"
    R"("web-02":{"status":"success","output":"ok","duration":"98ms"}},)"
    R"("2":{"web-01":{"status":"success","output":"{}","duration":"15ms"},)"
    R"("web-02":{"status":"success","output":"{}","duration":"11ms"}},)"
    R"("3":{"web-01":{"status":"skipped","duration":"0s"},)"
    R"("web-02":{"status":"skipped","duration":"0s"}}},)"
    R"("owner":"ctrl-a","created_at":"2026-03-01T10:00:00.123456789Z",)"
    R"("updated_at":"2026-03-01T10:00:05.5Z"})";

TEST(JobJson, SpecExampleRoundTripsByteForByte) {
  const Job job = parse_job(kSpecJob);
  EXPECT_EQ(job.id, "3f9c2a7b1e4d8c60");
  EXPECT_EQ(job.target, (Target{"group", "web"}));
  ASSERT_EQ(job.tasks.size(), 3u);
  EXPECT_EQ(job.tasks[0].max_retries, 2);
  EXPECT_EQ(job.tasks[1].tasks.size(), 2u);
  EXPECT_EQ(job.tasks[2].condition, "on_failure");
  EXPECT_EQ(job.strategy, Strategy::kFailFast);
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(job.expected, (std::vector<std::string>{"web-01", "web-02"}));
  EXPECT_EQ(job.results.at(0).at("web-02").attempts, 2);
  EXPECT_EQ(job.results.at(0).at("web-01").duration, std::chrono::milliseconds(2310));
  EXPECT_EQ(job.results.at(3).at("web-01").status, NodeResultStatus::kSkipped);
  EXPECT_EQ(job.owner, "ctrl-a");
  EXPECT_EQ(to_json_text(job), kSpecJob);
}

TEST(JobJson, OmitsEmptyOptionalFieldsAndKeepsRequiredOnes) {
  Job job;
  job.id = "0123456789abcdef";
  job.target = {"all", ""};
  EXPECT_EQ(to_json_text(job),
            R"({"id":"0123456789abcdef","target":{"scope":"all","value":""},"tasks":[],)"
            R"("strategy":"fail-fast","status":"pending","step":0,"expected":[],)"
            R"("created_at":"0001-01-01T00:00:00Z","updated_at":"0001-01-01T00:00:00Z"})");
}

TEST(JobJson, ResultKeysAreOrderedAsStringsLikeGo) {
  Job job;
  for (const int step : {2, 10, 1}) job.results[step]["n1"] = NodeResult{};
  const std::string text = to_json_text(job);
  EXPECT_LT(text.find("\"1\":"), text.find("\"10\":"));
  EXPECT_LT(text.find("\"10\":"), text.find("\"2\":"));
  EXPECT_EQ(parse_job(text).results, job.results);
}

TEST(JobJson, DecodedJobEqualsEncodedJob) {
  Job job = parse_job(kSpecJob);
  job.strategy = Strategy::kContinue;
  job.status = JobStatus::kRunning;
  job.step = 3;
  EXPECT_EQ(parse_job(to_json_text(job)), job);
}

struct BadJob {
  std::string body;
  std::string error;
};

void PrintTo(const BadJob& c, std::ostream* os) {
  *os << c.body;
}

class JobDecodeErrors : public ::testing::TestWithParam<BadJob> {};

TEST_P(JobDecodeErrors, NameThePath) {
  try {
    parse_job(GetParam().body);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Strict, JobDecodeErrors,
    ::testing::Values(
        BadJob{R"([])", "expected object"},
        BadJob{R"({"status":"done"})", R"(status: unknown job status "done")"},
        BadJob{R"({"status":"pending","strategy":"yolo"})", R"(strategy: unknown strategy "yolo")"},
        BadJob{R"({"status":"pending","step":"1"})", "step: expected integer"},
        BadJob{R"({"status":"pending","expected":"n1"})", "expected: expected array"},
        BadJob{R"({"status":"pending","expected":["n1",2]})", "expected[1]: expected string"},
        BadJob{R"({"status":"pending","created_at":"yesterday"})",
               R"(created_at: invalid timestamp "yesterday")"},
        BadJob{R"({"status":"pending","results":{"x":{}}})",
               R"(results.x: invalid step index "x")"},
        BadJob{R"({"status":"pending","results":{"-1":{}}})",
               R"(results.-1: invalid step index "-1")"},
        BadJob{R"({"status":"pending","results":{"0":[]}})", "results.0: expected object"},
        BadJob{R"({"status":"pending","results":{"0":{"n1":{"status":"ok"}}}})",
               R"(results.0.n1.status: unknown result status "ok")"},
        BadJob{R"({"status":"pending","results":{"0":{"n1":{"status":"failed","duration":"1d"}}}})",
               R"(results.0.n1.duration: invalid duration "1d")"},
        BadJob{R"({"status":"pending","results":{"0":{"n1":{"status":"failed","attempts":"2"}}}})",
               "results.0.n1.attempts: expected integer"},
        BadJob{R"({"status":"pending","target":"all"})", "target: expected object"}));

TEST(JobRequestJson, DecodesTheApiExampleAndIgnoresUnknownKeys) {
  const JobRequest request = parse_job_request(
      R"({"target":{"scope":"group","value":"web","extra":1},)"
      R"("tasks":[{"backend":"apt","action":"install","params":{"package":"curl"},"x":[1]}],)"
      R"("strategy":"continue","timeout":"30m","status":"bogus","Strategy":"ignored"})");
  EXPECT_EQ(request.target, (Target{"group", "web"}));
  ASSERT_EQ(request.tasks.size(), 1u);
  EXPECT_EQ(request.tasks[0].params, (std::map<std::string, std::string>{{"package", "curl"}}));
  EXPECT_EQ(request.strategy, "continue");
  EXPECT_EQ(request.timeout, "30m");
}

TEST(JobRequestJson, NullsAndMissingKeysAreEmpty) {
  const JobRequest request = parse_job_request(R"({"target":null,"tasks":null,"strategy":null})");
  EXPECT_EQ(request, JobRequest{});
  EXPECT_EQ(parse_job_request("{}"), JobRequest{});
}

class JobRequestDecodeErrors : public ::testing::TestWithParam<BadJob> {};

TEST_P(JobRequestDecodeErrors, NameThePath) {
  try {
    parse_job_request(GetParam().body);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Strict, JobRequestDecodeErrors,
    ::testing::Values(BadJob{R"("job")", "expected object"},
                      BadJob{R"({"tasks":{}})", "tasks: expected array"},
                      BadJob{R"({"tasks":[1]})", "tasks[0]: expected object"},
                      BadJob{R"({"tasks":[{"backend":"apt","params":{"package":5}}]})",
                             "tasks[0].params.package: expected string"},
                      BadJob{R"({"tasks":[{"backend":"apt","params":{"package":{}}}]})",
                             "tasks[0].params.package: expected string"},
                      BadJob{R"({"tasks":[{"backend":"apt","params":["a"]}]})",
                             "tasks[0].params: expected object"},
                      BadJob{R"({"tasks":[{"backend":"apt","max_retries":"2"}]})",
                             "tasks[0].max_retries: expected integer"},
                      BadJob{R"({"tasks":[{"backend":"apt","max_retries":true}]})",
                             "tasks[0].max_retries: expected integer"},
                      BadJob{R"({"tasks":[{"tasks":[{"backend":1}]}]})",
                             "tasks[0].tasks[0].backend: expected string"},
                      BadJob{R"({"tasks":[{"condition":false}]})",
                             "tasks[0].condition: expected string"},
                      BadJob{R"({"tasks":[{"timeout":300}]})", "tasks[0].timeout: expected string"},
                      BadJob{R"({"target":{"scope":1}})", "target.scope: expected string"},
                      BadJob{R"({"target":{"value":[]}})", "target.value: expected string"},
                      BadJob{R"({"strategy":{}})", "strategy: expected string"},
                      BadJob{R"({"timeout":30})", "timeout: expected string"}));

TEST(JobRequestJson, DeeplyNestedPhasesAreRejected) {
  std::string body = R"({"tasks":)";
  for (int i = 0; i < 30; ++i) body += R"([{"tasks":)";
  body += "[]";
  for (int i = 0; i < 30; ++i) body += "}]";
  body += "}";
  EXPECT_THROW(parse_job_request(body), Error);
}

TEST(NewPendingJob, AppliesDefaults) {
  JobRequest request;
  request.tasks.push_back(Phase{.backend = "ping", .action = "echo"});
  const Timestamp now{std::chrono::seconds(1'772'359'200)};
  const Job job = new_pending_job(request, "0123456789abcdef", {"n1", "n2"}, now);
  EXPECT_EQ(job.target.scope, "all");
  EXPECT_EQ(job.strategy, Strategy::kFailFast);
  EXPECT_EQ(job.status, JobStatus::kPending);
  EXPECT_EQ(job.step, 0);
  EXPECT_EQ(job.expected, (std::vector<std::string>{"n1", "n2"}));
  EXPECT_TRUE(job.results.empty());
  EXPECT_TRUE(job.owner.empty());
  EXPECT_EQ(job.created_at, now);
  EXPECT_EQ(job.updated_at, now);
  EXPECT_EQ(job.tasks, request.tasks);
}

TEST(NewPendingJob, KeepsExplicitValuesAndRejectsUnknownStrategy) {
  JobRequest request{
      .target = {"node", "n1"}, .tasks = {}, .strategy = "continue", .timeout = "1h"};
  const Job job = new_pending_job(request, "id", {"n1"}, Timestamp{});
  EXPECT_EQ(job.target, (Target{"node", "n1"}));
  EXPECT_EQ(job.strategy, Strategy::kContinue);
  EXPECT_EQ(job.timeout, "1h");
  request.strategy = "fast";
  EXPECT_THROW(new_pending_job(request, "id", {}, Timestamp{}), Error);
}

TEST(Strategy, ParsesAndPrints) {
  EXPECT_EQ(parse_strategy(""), Strategy::kFailFast);
  EXPECT_EQ(parse_strategy("fail-fast"), Strategy::kFailFast);
  EXPECT_EQ(parse_strategy("continue"), Strategy::kContinue);
  EXPECT_EQ(parse_strategy("Continue"), std::nullopt);
  EXPECT_EQ(to_string(Strategy::kFailFast), "fail-fast");
  EXPECT_EQ(to_string(Strategy::kContinue), "continue");
}

}  // namespace
}  // namespace grid::model
