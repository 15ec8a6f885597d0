#include "grid/bus/jetstream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "bus_fixture.hpp"
#include "grid/bus/error.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/bus/topology.hpp"

namespace grid::bus {
namespace {

using namespace std::chrono_literals;

class JetStreamTest : public BusTest {
 protected:
  void SetUp() override {
    js.ensure_stream(commands_stream_config(1));
    js.ensure_stream(results_stream_config(1));
    js.ensure_stream(requests_stream_config(1));
  }

  // Fetches one message, waiting generously.
  static Message fetch_one(PullSubscription& sub) {
    for (int attempt = 0; attempt < 10; ++attempt) {
      auto messages = sub.fetch(1, 2s);
      if (!messages.empty()) return std::move(messages.front());
    }
    throw Error("no message within 20 s");
  }
};

TEST_F(JetStreamTest, StreamsHaveSpecSettings) {
  struct Expected {
    std::string name, subject;
    Retention retention;
  };
  for (const auto& [name, subject, retention] :
       {Expected{"commands", "cmd.>", Retention::limits},
        Expected{"results", "result.>", Retention::limits},
        Expected{"requests", "request.>", Retention::work_queue}}) {
    const StreamInfo info = js.stream_info(name);
    EXPECT_EQ(info.config.subjects, std::vector<std::string>{subject}) << name;
    EXPECT_EQ(info.config.retention, retention) << name;
    EXPECT_EQ(info.config.discard, Discard::old_messages) << name;
    EXPECT_EQ(info.config.max_age, std::chrono::hours(1)) << name;
    EXPECT_EQ(info.config.storage, Storage::file) << name;
    EXPECT_EQ(info.config.replicas, 1) << name;
  }
}

TEST_F(JetStreamTest, EnsureIsIdempotent) {
  js.publish("cmd.all.ping.ping", "x");
  const StreamInfo again = js.ensure_stream(commands_stream_config(1));
  EXPECT_EQ(again.config, commands_stream_config(1));
  EXPECT_EQ(again.messages, 1u);
}

TEST_F(JetStreamTest, EnsureLeavesAnExistingStreamAsIs) {
  auto other = commands_stream_config(1);
  other.name = "legacy";
  other.subjects = {"legacy.>"};
  other.max_age = 2h;
  js.ensure_stream(other);
  auto wanted = other;
  wanted.max_age = 1h;
  wanted.subjects = {"legacy.>", "more.>"};
  const StreamInfo info = js.ensure_stream(wanted);
  EXPECT_EQ(info.config.max_age, 2h);
  EXPECT_EQ(info.config.subjects, std::vector<std::string>{"legacy.>"});
  EXPECT_EQ(js.stream_info("legacy").config, other);
}

TEST_F(JetStreamTest, ReplicasAreRequestedFromTheServer) {
  // A single non-clustered server refuses replicas > 1: proof the setting is sent.
  auto config = commands_stream_config(3);
  config.name = "replicated";
  config.subjects = {"replicated.>"};
  try {
    js.ensure_stream(config);
    FAIL() << "single server accepted 3 replicas";
  } catch (const NatsError& e) {
    EXPECT_EQ(e.js_code(), JSStreamReplicasNotSupportedErr) << e.what();
  }
}

TEST_F(JetStreamTest, MissingStreamIsNotFound) {
  try {
    js.stream_info("nope");
    FAIL() << "found a missing stream";
  } catch (const NatsError& e) {
    EXPECT_TRUE(e.is_not_found()) << e.what();
    EXPECT_NE(std::string(e.what()).find("getting nope stream"), std::string::npos) << e.what();
  }
}

TEST_F(JetStreamTest, RequestsMessageCount) {
  for (const char* job : {"a1", "b2", "c3"}) js.publish(request_subject(job), "{}");
  EXPECT_EQ(js.stream_info("requests").messages, 3u);
}

TEST_F(JetStreamTest, PublishReturnsStreamSequence) {
  EXPECT_EQ(js.publish("result.j.0.n1", "a"), 1u);
  EXPECT_EQ(js.publish("result.j.0.n2", "b"), 2u);
}

TEST_F(JetStreamTest, PublishWithoutStreamFails) {
  try {
    js.publish("no.stream.here", "x");
    FAIL() << "published without a stream";
  } catch (const NatsError& e) {
    EXPECT_EQ(e.status(), NATS_NO_RESPONDERS) << e.what();
  }
}

TEST_F(JetStreamTest, HeadersSurvivePublishToDurableFetch) {
  const auto worker = worker_node_consumer("n1");
  EXPECT_EQ(js.ensure_consumer("commands", worker_consumer_config(worker)), EnsureOutcome::created);
  auto sub = js.pull_subscribe("commands", worker.durable);

  Message out(command_subject(Scope::node, "n1", "apt", "install"), R"({"package":"nginx"})");
  out.set_header("job-id", "3f9c2a7b1e4d8c60");
  out.set_header("task-index", "4");
  out.set_header("backend", "apt");
  out.set_header("action", "install");
  out.set_header("timeout", "5m0s");
  const auto sequence = js.publish(out);

  Message in = fetch_one(sub);
  EXPECT_EQ(in.subject(), "cmd.node.n1.apt.install");
  EXPECT_EQ(in.data(), R"({"package":"nginx"})");
  EXPECT_EQ(in.header("job-id"), "3f9c2a7b1e4d8c60");
  EXPECT_EQ(in.header("task-index"), "4");
  EXPECT_EQ(in.header("Job-Id"), std::nullopt);  // case-sensitive
  EXPECT_EQ(in.header("missing"), std::nullopt);
  const auto headers = in.headers();
  EXPECT_EQ(headers.size(), 5u);
  EXPECT_EQ(headers.at("timeout"), "5m0s");
  const auto meta = in.metadata();
  EXPECT_EQ(meta.stream, "commands");
  EXPECT_EQ(meta.consumer, "worker:n1:node");
  EXPECT_EQ(meta.stream_sequence, sequence);
  EXPECT_EQ(meta.num_delivered, 1u);
  EXPECT_GT(meta.timestamp.time_since_epoch().count(), 0);
  in.ack();
}

TEST_F(JetStreamTest, DeliverNewSkipsEarlierCommandsAndFiltersPartition) {
  js.publish("cmd.all.ping.ping", "before");
  const auto all = worker_all_consumer("n1");
  const auto node = worker_node_consumer("n1");
  js.ensure_consumer("commands", worker_consumer_config(all));
  js.ensure_consumer("commands", worker_consumer_config(node));
  js.publish("cmd.node.n2.ping.ping", "other node");
  js.publish("cmd.node.n1.ping.ping", "mine");
  js.publish("cmd.all.ping.ping", "after");
  auto all_sub = js.pull_subscribe("commands", all.durable);
  auto node_sub = js.pull_subscribe("commands", node.durable);
  Message a = fetch_one(all_sub);
  EXPECT_EQ(a.data(), "after");
  Message n = fetch_one(node_sub);
  EXPECT_EQ(n.data(), "mine");
  a.ack();
  n.ack();
  EXPECT_TRUE(all_sub.fetch(1, 300ms).empty());
  EXPECT_TRUE(node_sub.fetch(1, 300ms).empty());
}

TEST_F(JetStreamTest, ProgressKeepsMessageAndNakRedelivers) {
  auto config = worker_consumer_config(worker_all_consumer("n1"));
  config.ack_wait = 2s;
  js.ensure_consumer("commands", config);
  auto sub = js.pull_subscribe("commands", config.durable);
  js.publish("cmd.all.test.sleep", "1");
  Message first = fetch_one(sub);
  EXPECT_EQ(first.metadata().num_delivered, 1u);

  // Twice the ack wait with +WPI every 200 ms: never redelivered (max ack pending 1 would
  // also hold any other message back).
  const auto until = std::chrono::steady_clock::now() + 4s;
  while (std::chrono::steady_clock::now() < until) {
    first.in_progress();
    EXPECT_TRUE(sub.fetch(1, 200ms).empty());
  }
  EXPECT_EQ(js.consumer_info("commands", config.durable).num_ack_pending, 1);

  first.nak();
  Message second = fetch_one(sub);
  EXPECT_EQ(second.data(), "1");
  EXPECT_EQ(second.metadata().num_delivered, 2u);
  second.ack();
  EXPECT_TRUE(test::wait_for(
      [&] { return js.consumer_info("commands", config.durable).num_ack_pending == 0; }));
  EXPECT_TRUE(sub.fetch(1, 300ms).empty());
}

TEST_F(JetStreamTest, UnackedMessageIsRedeliveredAfterAckWait) {
  auto config = worker_consumer_config(worker_all_consumer("n1"));
  config.ack_wait = 1s;
  js.ensure_consumer("commands", config);
  auto sub = js.pull_subscribe("commands", config.durable);
  js.publish("cmd.all.test.x", "x");
  Message first = fetch_one(sub);
  Message again = fetch_one(sub);
  EXPECT_EQ(again.metadata().stream_sequence, first.metadata().stream_sequence);
  EXPECT_EQ(again.metadata().num_delivered, 2u);
  again.term();
  EXPECT_TRUE(sub.fetch(1, 1500ms).empty());
}

TEST_F(JetStreamTest, EnsureConsumerCreatesReusesAndRecreates) {
  const auto group = worker_group_consumer("n1", "web");
  auto config = worker_consumer_config(group, 10min);
  EXPECT_EQ(js.ensure_consumer("commands", config), EnsureOutcome::created);
  EXPECT_EQ(js.ensure_consumer("commands", config), EnsureOutcome::reused);
  const ConsumerInfo info = js.consumer_info("commands", group.durable);
  EXPECT_EQ(info.config, config);

  // The position of a reused durable is kept.
  js.publish("cmd.group.web.ping.ping", "kept");
  EXPECT_EQ(js.ensure_consumer("commands", config), EnsureOutcome::reused);
  EXPECT_EQ(js.consumer_info("commands", group.durable).num_pending, 1u);

  config.inactive_threshold = 5min;
  EXPECT_EQ(js.ensure_consumer("commands", config), EnsureOutcome::recreated);
  EXPECT_EQ(js.consumer_info("commands", group.durable).config.inactive_threshold, 5min);
  config.filter_subject = "cmd.group.db.>";
  EXPECT_EQ(js.ensure_consumer("commands", config), EnsureOutcome::recreated);
}

TEST_F(JetStreamTest, SchedulerConsumerUsesServerDefaults) {
  EXPECT_EQ(js.ensure_consumer("requests", scheduler_consumer_config()), EnsureOutcome::created);
  const auto info = js.consumer_info("requests", "scheduler");
  EXPECT_EQ(info.config.max_ack_pending, 1000);
  EXPECT_EQ(info.config.deliver_policy, DeliverPolicy::all);
  EXPECT_EQ(js.ensure_consumer("requests", scheduler_consumer_config()), EnsureOutcome::reused);
}

TEST_F(JetStreamTest, ListsAndDeletesConsumers) {
  EXPECT_TRUE(js.consumer_names("commands").empty());
  for (const auto& consumer : worker_consumers("n1", {"web", "db"})) {
    js.ensure_consumer("commands", worker_consumer_config(consumer));
  }
  auto names = js.consumer_names("commands");
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"worker:n1:all", "worker:n1:group:db",
                                             "worker:n1:group:web", "worker:n1:node"}));
  js.delete_consumer("commands", "worker:n1:group:db");
  names = js.consumer_names("commands");
  EXPECT_EQ(std::count(names.begin(), names.end(), "worker:n1:group:db"), 0);
  EXPECT_EQ(names.size(), 3u);
  try {
    js.consumer_info("commands", "worker:n1:group:db");
    FAIL() << "deleted consumer still found";
  } catch (const NatsError& e) {
    EXPECT_TRUE(e.is_not_found()) << e.what();
  }
  EXPECT_THROW(js.consumer_names("nope"), NatsError);
}

TEST_F(JetStreamTest, BindingToMissingDurableFails) {
  EXPECT_THROW(js.pull_subscribe("commands", "worker:ghost:all"), NatsError);
}

TEST_F(JetStreamTest, AsyncPublishesAreAllAcknowledged) {
  for (int i = 0; i < 200; ++i) {
    js.publish_async(Message(result_subject("job1", 0, "n" + std::to_string(i)), "{}"));
  }
  js.wait_async_acks(20s);
  EXPECT_EQ(js.stream_info("results").messages, 200u);
  EXPECT_EQ(js.async_publish_errors(), 0u);
}

TEST_F(JetStreamTest, AsyncPublishErrorsReachTheCallback) {
  std::atomic<int> reported{0};
  JetStream reporting(connection, JetStreamOptions{
                                      .timeout = 5s,
                                      .on_async_publish_error =
                                          [&](const std::string& subject, const NatsError& e) {
                                            EXPECT_EQ(subject, "no.stream.here");
                                            EXPECT_EQ(e.status(), NATS_NO_RESPONDERS);
                                            ++reported;
                                          },
                                  });
  reporting.publish_async(Message("no.stream.here", "x"));
  EXPECT_TRUE(test::wait_for([&] { return reported.load() == 1; }));
  EXPECT_EQ(reporting.async_publish_errors(), 1u);
}

}  // namespace
}  // namespace grid::bus
