// Hostile commands to a real worker over a real nats-server (issue 8): garbage bodies, wrong
// and missing headers, bad backends/actions/params, oversize payloads and absurd timeouts.
// Commands with a usable job-id are answered with a clear result; the others are dropped with
// a warning (there is nowhere to report). The worker keeps running and then executes a valid
// command normally.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "grid/backends/output_limit.hpp"
#include "worker_fixture.hpp"

namespace grid::worker {
namespace {

using namespace std::chrono_literals;
using bus::Scope;
using Headers = std::vector<std::pair<std::string, std::string>>;

class HostileWorkerTest : public WorkerTest {
 protected:
  // Publishes a command with exactly these headers and body to w1's node subject.
  void raw(const Headers& headers, const std::string& body,
           const std::string& subject = bus::command_subject(Scope::node, "w1", "ping", "echo")) {
    bus::Message message(subject, body);
    for (const auto& [name, value] : headers) message.set_header(name, value);
    js.publish(message);
  }

  static Headers headers(const std::string& job, const std::string& index,
                         const std::string& backend, const std::string& action) {
    return {{"job-id", job}, {"task-index", index}, {"backend", backend}, {"action", action}};
  }

  std::map<int, model::TaskResult> by_index(const std::string& job, std::size_t count) {
    std::map<int, model::TaskResult> out;
    for (const auto& p : wait_results(job, count)) out[p.result.task_index] = p.result;
    return out;
  }
};

TEST_F(HostileWorkerTest, GarbageCommandsAreAnsweredOrDroppedAndTheWorkerKeepsWorking) {
  create_infrastructure();
  auto worker = start("w1");

  // No usable job-id: dropped (acknowledged) without a result.
  raw({}, "null");
  raw(headers("", "0", "ping", "echo"), "null");
  raw(headers("bad id!", "0", "ping", "echo"), "null");
  raw(headers("a.b.>", "0", "ping", "echo"), "null");
  raw(headers(std::string(500, 'a'), "0", "ping", "echo"), "null");

  // A usable job-id: a failed result with a clear error.
  const std::string job = "hhhhhhhhhhhhhhhh";
  raw(headers(job, "0", "ping", "echo"), "not json");
  raw(headers(job, "1", "ping", "echo"), "[1,2]");
  raw(headers(job, "2", "ping", "echo"), R"({"message":{"nested":true}})");
  raw(headers(job, "3", "ping", "echo"), std::string(100000, '['));
  raw(headers(job, "4", "", ""), "null");
  raw(headers(job, "5", "no such backend", "x"), "null");
  raw(headers(job, "6", "ping", "frob"), "null");
  raw(headers(job, "7", "apt", "install"), R"({"package":"-o Dpkg::Options::=--force-all"})");
  raw(headers(job, "8", "apt", "remove"), R"({"package":""})");
  raw(headers(job, "9", "systemd", "start"), R"({"unit":"../../etc/passwd"})");
  raw(headers(job, "10", "rke2", "start"), R"({"mode":"both"})");
  raw(headers(job, "11", "test", "sleep"), R"({"duration":"forever"})");
  // Oversize payload and absurd timeouts: still run normally.
  const std::string big(900 * 1024, 'm');
  raw(headers(job, "12", "ping", "echo"), R"({"message":")" + big + R"("})");
  auto with_timeout = [&](const std::string& index, const std::string& timeout) {
    auto h = headers(job, index, "ping", "echo");
    h.emplace_back("timeout", timeout);
    raw(h, R"({"message":"t)" + index + R"("})");
  };
  with_timeout("13", "garbage");
  with_timeout("14", "-5s");
  with_timeout("15", "2562047h47m16.854775807s");  // the largest duration: no overflow
  with_timeout("16", "0s");

  // Garbage task indexes are reported as 0.
  const std::string bad_index_job = "iiiiiiiiiiiiiiii";
  raw(headers(bad_index_job, "abc", "ping", "echo"), "null");
  raw(headers(bad_index_job, "-7", "ping", "echo"), "null");
  raw(headers(bad_index_job, "99999999999999999999", "ping", "echo"), "null");

  // Finally a valid command.
  send(Scope::node, "w1", "vvvvvvvvvvvvvvvv", 0, "ping", "echo", {{"message", "still alive"}});
  const auto valid = wait_results("vvvvvvvvvvvvvvvv", 1);
  ASSERT_EQ(valid.size(), 1u);
  EXPECT_EQ(valid[0].result.status, "success");
  EXPECT_EQ(valid[0].result.output, "still alive");

  const auto got = by_index(job, 17);
  ASSERT_EQ(got.size(), 17u);
  for (int i = 0; i <= 11; ++i) EXPECT_EQ(got.at(i).status, "failed") << i;
  for (int i = 0; i <= 3; ++i) {
    EXPECT_EQ(got.at(i).error.rfind("decode params: ", 0), 0u) << i << ": " << got.at(i).error;
  }
  EXPECT_EQ(got.at(4).error, "unknown backend: ");
  EXPECT_EQ(got.at(5).error, "unknown backend: no such backend");
  EXPECT_EQ(got.at(6).error, "ping: unknown action \"frob\"");
  EXPECT_EQ(got.at(7).error, "apt install: invalid package \"-o Dpkg::Options::=--force-all\"");
  EXPECT_EQ(got.at(8).error, "apt remove: missing required param 'package'");
  EXPECT_EQ(got.at(9).error, "systemd start: invalid unit \"../../etc/passwd\"");
  EXPECT_EQ(got.at(10).error, "rke2 start: invalid mode \"both\"");
  EXPECT_NE(got.at(11).error.find("forever"), std::string::npos) << got.at(11).error;
  for (int i = 12; i <= 16; ++i) {
    EXPECT_EQ(got.at(i).status, "success") << i << ": " << got.at(i).error;
    EXPECT_EQ(got.at(i).error, "") << i;
  }
  EXPECT_EQ(got.at(12).output.size(),
            backends::kMaxOutputBytes + backends::kTruncationMarker.size());
  EXPECT_TRUE(got.at(12).output.ends_with(backends::kTruncationMarker));
  EXPECT_EQ(got.at(12).output.rfind(std::string(1000, 'm'), 0), 0u);
  for (int i = 13; i <= 16; ++i) EXPECT_EQ(got.at(i).output, "t" + std::to_string(i)) << i;

  const auto bad_index = wait_results(bad_index_job, 3);
  ASSERT_EQ(bad_index.size(), 3u);
  for (const auto& p : bad_index) {
    EXPECT_EQ(p.result.task_index, 0);
    EXPECT_EQ(p.result.status, "success");
    EXPECT_EQ(p.subject, "result." + bad_index_job + ".0.w1");
  }

  // Nothing was published for the commands without a usable job-id.
  for (const auto& p : results()) {
    EXPECT_TRUE(p.result.job_id == job || p.result.job_id == bad_index_job ||
                p.result.job_id == "vvvvvvvvvvvvvvvv")
        << p.subject;
  }
  EXPECT_FALSE(worker->finished());
}

}  // namespace
}  // namespace grid::worker
