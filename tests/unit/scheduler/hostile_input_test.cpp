// Hostile input to the scheduler over a real nats-server (issue 8): garbage on the results
// subjects while a job runs, garbage job requests on the requests stream, and garbage NodeInfo
// entries in KV `nodes`. Each must be ignored (with a warning) without crashing, blocking the
// queue or touching the job: after the garbage, valid jobs complete with exactly the results of
// their real workers.
#include <algorithm>
#include <string>
#include <vector>

#include "grid/model/json.hpp"
#include "scheduler_fixture.hpp"

namespace grid::scheduler::test {
namespace {

using model::JobStatus;

constexpr const char* kUnknownJob = "ffffffffffffffff";

std::string result_json(const std::string& job, long long index, const std::string& node,
                        const std::string& status, const std::string& output = "forged") {
  return R"({"job_id":")" + job + R"(","task_index":)" + std::to_string(index) + R"(,"node_id":")" +
         node + R"(","status":")" + status + R"(","output":")" + output +
         R"(","error":"forged","duration":1,"timestamp":")" + format_rfc3339(now()) + R"("})";
}

// Every kind of garbage a results subject can carry, for a job `job` running step 0 on n1/n2
// (n3 online but not targeted).
std::vector<std::pair<std::string, std::string>> garbage_results(const std::string& job) {
  const std::string subject0 = bus::result_subject(job, 0, "n1");
  std::vector<std::pair<std::string, std::string>> out{
      {subject0, ""},
      {subject0, "not json"},
      {subject0, "{"},
      {subject0, "[]"},
      {subject0, "null"},
      {subject0, "42"},
      {subject0, "\"text\""},
      {subject0, std::string("\xff\xfe\x00\x01", 4)},
      {subject0, std::string(100000, '[')},
      {subject0, R"({"job_id":5,"task_index":0,"node_id":"n1","status":"failed"})"},
      {subject0,
       R"({"job_id":")" + job + R"(","task_index":"0","node_id":"n1","status":"failed"})"},
      {subject0,
       R"({"job_id":")" + job + R"(","task_index":0,"node_id":["n1"],"status":"failed"})"},
      {subject0,
       R"({"job_id":")" + job + R"(","task_index":1e300,"node_id":"n1","status":"failed"})"},
      {subject0, R"({"job_id":")" + job +
                     R"(","task_index":0,"node_id":"n1","status":"failed","timestamp":"soon"})"},
      {subject0, std::string(900 * 1024, 'x')},
      // Well-formed results that must not count.
      {bus::result_subject(job, 0, "ghost"), result_json(job, 0, "ghost", "failed")},
      {bus::result_subject(job, 0, "n3"), result_json(job, 0, "n3", "failed")},
      {bus::result_subject(job, 0, "n1"), result_json(job, -1, "n1", "failed")},
      {bus::result_subject(job, 0, "n1"), result_json(job, 7, "n1", "failed")},
      {bus::result_subject(job, 0, "n1"), result_json(job, 2147483647, "n1", "failed")},
      {bus::result_subject(job, 0, "n1"), result_json(job, 4294967296LL, "n1", "failed")},
      {bus::result_subject(kUnknownJob, 0, "n1"), result_json(kUnknownJob, 0, "n1", "failed")},
      {bus::result_subject(job, 0, "ghost"),
       result_json(job, 0, "ghost", "failed", std::string(900 * 1024, 'y'))},
      // Subjects that are not result.<job>.<index>.<node>.
      {"result.garbage", result_json(job, 0, "n2", "failed")},
      {"result." + job + ".x.y.z", result_json(job, 0, "n2", "failed")},
      // Subject and body disagree (a confused or forging publisher): the body names n2, the
      // subject n1 / another step / another job.
      {bus::result_subject(job, 0, "n1"), result_json(job, 0, "n2", "failed")},
      {bus::result_subject(job, 1, "n2"), result_json(job, 0, "n2", "failed")},
      {bus::result_subject(kUnknownJob, 0, "n2"), result_json(job, 0, "n2", "failed")},
  };
  return out;
}

void expect_clean_results(const model::Job& job, const std::vector<std::string>& nodes,
                          std::size_t steps) {
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(job.expected, nodes);
  ASSERT_EQ(job.results.size(), steps);
  for (const auto& [index, by_node] : job.results) {
    std::vector<std::string> got;
    for (const auto& [node, result] : by_node) {
      got.push_back(node);
      EXPECT_EQ(result.status, model::NodeResultStatus::kSuccess) << index << "/" << node;
      EXPECT_EQ(result.output, "ok") << index << "/" << node;
      EXPECT_EQ(result.error, "") << index << "/" << node;
      EXPECT_LE(result.attempts, 1) << index << "/" << node;
    }
    EXPECT_EQ(got, nodes) << "step " << index;
  }
}

TEST_F(SchedulerTest, GarbageResultsWhileAJobRunsAreIgnored) {
  bus::Connection hostile(connection_options(env.client_url(), "hostile"));
  std::atomic<bool> sent{false};
  const auto slow = [](const Received&) { return Reply{"success", "ok", "", 500ms}; };
  add_worker("n1",
             [&](const Received& r) {
               if (r.command.task_index == 0 && !sent.exchange(true)) {
                 for (const auto& [subject, body] : garbage_results(r.command.job_id)) {
                   hostile.publish(subject, body);
                 }
                 hostile.flush(5s);
               }
               return Reply{"success", "ok", "", 500ms};
             },
             {"web"});
  add_worker("n2", slow, {"web"});
  add_worker("n3", succeed, {"db"});
  start_scheduler();

  const auto job = wait_terminal(
      submit(request({leaf("test", "succeed"), leaf("test", "succeed")}, "", {"group", "web"})));
  EXPECT_TRUE(sent.load());
  expect_clean_results(job, {"n1", "n2"}, 2);

  // The scheduler is still healthy: another job runs to completion.
  const auto next = wait_terminal(submit(request({leaf("test", "succeed")}, "", {"group", "web"})));
  expect_clean_results(next, {"n1", "n2"}, 1);
}

TEST_F(SchedulerTest, GarbageJobRequestsAreDroppedAndTheQueueKeepsMoving) {
  add_worker("n1");
  SchedulerOptions options;
  options.max_concurrent = 1;  // one poison request holding the only slot would stall the queue
  start_scheduler(options);

  const std::vector<std::string> bodies{
      "",
      "not json",
      "[]",
      "{}",
      R"({"id":5})",
      R"({"id":"","status":"pending"})",
      R"({"id":"bad id!","status":"pending"})",
      R"({"id":"a.b.>","status":"pending"})",
      R"({"id":"ffffffffffffffff","status":"pending"})",
      R"({"id":"eeeeeeeeeeeeeeee","status":"pending","results":{"x":{}}})",
      std::string(900 * 1024, '{'),
  };
  for (const auto& body : bodies) js.publish("request.garbage", body);

  const auto job = wait_terminal(submit(request({leaf("test", "succeed")})));
  expect_clean_results(job, {"n1"}, 1);

  // Every garbage request was acknowledged (dropped), none is left for redelivery.
  bus::ConsumerInfo info;
  const bool drained = grid::test::wait_for(
      [&] {
        info = js.consumer_info(std::string(bus::kRequestsStream),
                                std::string(bus::kSchedulerDurable));
        return info.num_pending == 0 && info.num_ack_pending == 0;
      },
      10s);
  EXPECT_TRUE(drained) << "pending " << info.num_pending << ", ack pending "
                       << info.num_ack_pending;
}

TEST_F(SchedulerTest, GarbageNodeEntriesAreSkippedByTargetResolution) {
  const std::string fresh = format_rfc3339(now());
  const auto info = [&](const std::string& id) {
    return R"({"id":")" + id + R"(","hostname":"h","groups":["web"],"backends":["test"],)" +
           R"("status":"online","last_seen":")" + fresh + R"("})";
  };
  nodes->put("junk-text", "not json");
  nodes->put("junk-array", "[1,2,3]");
  nodes->put("junk-types", R"({"id":7,"groups":"web","status":true})");
  nodes->put("junk-time", R"({"id":"junk-time","status":"online","last_seen":"yesterday"})");
  nodes->put("junk-deep", std::string(5000, '['));
  nodes->put("junk-big", std::string(512 * 1024, 'z'));
  nodes->put("junk-badid", info("bad id!"));  // an ID that is not a token
  nodes->put("junk-empty", info(""));         // no ID at all
  nodes->put("ghost", info("n1"));            // an entry claiming another node's ID
  add_worker("n1", succeed, {"web"});
  add_worker("n2", succeed, {"web"});
  start_scheduler();

  const auto all = wait_terminal(submit(request({leaf("test", "succeed")})));
  expect_clean_results(all, {"n1", "n2"}, 1);
  const auto group =
      wait_terminal(submit(request({leaf("test", "succeed")}, "", {"group", "web"})));
  expect_clean_results(group, {"n1", "n2"}, 1);
  const auto node = wait_terminal(submit(request({leaf("test", "succeed")}, "", {"node", "n1"})));
  expect_clean_results(node, {"n1"}, 1);

  const auto ghost = scheduler->submit(request({leaf("test", "succeed")}, "", {"node", "ghost"}));
  EXPECT_EQ(ghost.http_status, 422);
}

}  // namespace
}  // namespace grid::scheduler::test
