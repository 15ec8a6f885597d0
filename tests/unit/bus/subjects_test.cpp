#include "grid/bus/subjects.hpp"

#include <gtest/gtest.h>

#include "grid/bus/topology.hpp"
#include "grid/common/error.hpp"
#include "grid/common/token.hpp"

namespace grid::bus {
namespace {

TEST(Subjects, CommandSubjectsPerScope) {
  EXPECT_EQ(command_subject(Scope::all, "", "apt", "install"), "cmd.all.apt.install");
  EXPECT_EQ(command_subject(Scope::all, "ignored.value", "apt", "install"), "cmd.all.apt.install");
  EXPECT_EQ(command_subject(Scope::group, "web", "systemd", "restart"),
            "cmd.group.web.systemd.restart");
  EXPECT_EQ(command_subject(Scope::node, "web-01", "ping", "ping"), "cmd.node.web-01.ping.ping");
}

TEST(Subjects, RejectsBadTokensNamingThem) {
  try {
    command_subject(Scope::node, "web.01", "apt", "install");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node ID \"web.01\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(command_subject(Scope::group, "", "apt", "install"), Error);
  EXPECT_THROW(command_subject(Scope::all, "", "ap*t", "install"), Error);
  EXPECT_THROW(command_subject(Scope::all, "", "apt", "in>stall"), Error);
  EXPECT_THROW(command_subject(Scope::all, "", "apt", "with space"), Error);
  EXPECT_THROW(request_subject("job.1"), Error);
  EXPECT_THROW(result_subject("j", 0, "n:1"), Error);
  EXPECT_THROW(worker_group_consumer("n1", "g 1"), Error);
  EXPECT_THROW(worker_all_consumer(std::string(kMaxTokenLength + 1, 'a')), Error);
  EXPECT_NO_THROW(worker_all_consumer(std::string(kMaxTokenLength, 'a')));
}

TEST(Subjects, RequestAndResultSubjects) {
  EXPECT_EQ(request_subject("3f9c2a7b1e4d8c60"), "request.3f9c2a7b1e4d8c60");
  EXPECT_EQ(result_subject("3f9c2a7b1e4d8c60", 12, "web-01"), "result.3f9c2a7b1e4d8c60.12.web-01");
  EXPECT_EQ(job_results_filter("abc"), "result.abc.>");
  EXPECT_EQ(step_results_filter("abc", 3), "result.abc.3.>");
}

TEST(Subjects, ParsesResultSubjectsBack) {
  const auto parsed = parse_result_subject(result_subject("3f9c2a7b1e4d8c60", 7, "web_01"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, (ResultSubject{"3f9c2a7b1e4d8c60", 7, "web_01"}));
  EXPECT_FALSE(parse_result_subject("result.job.node"));  // seed format
  EXPECT_FALSE(parse_result_subject("result.job.x1.node"));
  EXPECT_FALSE(parse_result_subject("result.job.-1.node"));
  EXPECT_FALSE(parse_result_subject("result.job..node"));
  EXPECT_FALSE(parse_result_subject("result.job.1.node.extra"));
  EXPECT_FALSE(parse_result_subject("results.job.1.node"));
  EXPECT_FALSE(parse_result_subject("result.job.99999999999999999999999.node"));
  EXPECT_FALSE(parse_result_subject(""));
}

TEST(Subjects, WorkerDurablesAndFilters) {
  EXPECT_EQ(worker_all_consumer("n1"), (WorkerConsumer{"worker:n1:all", "cmd.all.>"}));
  EXPECT_EQ(worker_node_consumer("n1"), (WorkerConsumer{"worker:n1:node", "cmd.node.n1.>"}));
  EXPECT_EQ(worker_group_consumer("n1", "web"),
            (WorkerConsumer{"worker:n1:group:web", "cmd.group.web.>"}));
  const auto all = worker_consumers("n1", {"web", "db", "web"});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].durable, "worker:n1:all");
  EXPECT_EQ(all[1].durable, "worker:n1:node");
  EXPECT_EQ(all[2].durable, "worker:n1:group:web");
  EXPECT_EQ(all[3].durable, "worker:n1:group:db");
}

TEST(Subjects, LongestDurableFitsServerLimit) {
  const std::string longest(kMaxTokenLength, 'x');
  EXPECT_LE(worker_group_consumer(longest, longest).durable.size(), 255u);
}

TEST(Subjects, RecognisesGroupDurablesOfANode) {
  EXPECT_EQ(worker_group_of("n1", "worker:n1:group:web"), "web");
  EXPECT_FALSE(worker_group_of("n1", "worker:n1:all"));
  EXPECT_FALSE(worker_group_of("n1", "worker:n10:group:web"));
  EXPECT_FALSE(worker_group_of("n1", "worker:n2:group:web"));
  EXPECT_FALSE(worker_group_of("n1", "worker:n1:group:"));
  EXPECT_FALSE(worker_group_of("n1", "scheduler"));
}

TEST(Subjects, StreamBucketAndKeyNames) {
  EXPECT_EQ(kCommandsStream, "commands");
  EXPECT_EQ(kResultsStream, "results");
  EXPECT_EQ(kRequestsStream, "requests");
  EXPECT_EQ(kv_stream(kJobsBucket), "KV_jobs");
  EXPECT_EQ(kv_subject(kClusterBucket, kClusterStatusKey), "$KV.cluster.status");
  EXPECT_THROW(kv_subject("jobs", "a.b"), Error);
}

TEST(Topology, StreamSettings) {
  const auto commands = commands_stream_config(3);
  EXPECT_EQ(commands.name, "commands");
  EXPECT_EQ(commands.subjects, std::vector<std::string>{"cmd.>"});
  EXPECT_EQ(commands.retention, Retention::limits);
  EXPECT_EQ(commands.discard, Discard::old_messages);
  EXPECT_EQ(commands.max_age, std::chrono::hours(1));
  EXPECT_EQ(commands.storage, Storage::file);
  EXPECT_EQ(commands.replicas, 3);
  EXPECT_EQ(results_stream_config(1).subjects, std::vector<std::string>{"result.>"});
  EXPECT_EQ(requests_stream_config(1).retention, Retention::work_queue);
  EXPECT_EQ(requests_stream_config(1).subjects, std::vector<std::string>{"request.>"});
}

TEST(Topology, WorkerConsumerSettings) {
  const auto config = worker_consumer_config(worker_node_consumer("n1"), std::chrono::minutes(3));
  EXPECT_EQ(config.durable, "worker:n1:node");
  EXPECT_EQ(config.filter_subject, "cmd.node.n1.>");
  EXPECT_EQ(config.deliver_policy, DeliverPolicy::new_only);
  EXPECT_EQ(config.ack_wait, std::chrono::seconds(30));
  EXPECT_EQ(config.max_deliver, -1);
  EXPECT_EQ(config.max_ack_pending, 1);
  EXPECT_EQ(config.inactive_threshold, std::chrono::minutes(3));
  EXPECT_EQ(scheduler_consumer_config().durable, "scheduler");
  EXPECT_EQ(scheduler_consumer_config().filter_subject, "");
}

}  // namespace
}  // namespace grid::bus
