// The worker in-process against a real nats-server; a test publisher stands in for the
// controller (SPEC §8, D-2, BUG-3, 26, 27, 60, 61, 63, 64, 67).
#include "grid/worker/worker.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "fake_programs.hpp"
#include "grid/bus/error.hpp"
#include "grid/common/error.hpp"
#include "grid/common/token.hpp"
#include "grid/natsd/managed_server.hpp"
#include "grid/worker/registration.hpp"
#include "worker_fixture.hpp"

namespace grid::worker {
namespace {

using namespace std::chrono_literals;
using bus::Scope;

std::vector<std::string> nodes_of(const std::vector<Published>& published) {
  std::vector<std::string> out;
  for (const auto& p : published) out.push_back(p.result.node_id);
  std::sort(out.begin(), out.end());
  return out;
}

bool consumer_exists(bus::JetStream& js, const std::string& durable) {
  try {
    js.consumer_info(std::string(bus::kCommandsStream), durable);
    return true;
  } catch (const bus::NatsError& e) {
    if (!e.is_not_found()) throw;
    return false;
  }
}

TEST_F(WorkerTest, CommandProducesResultWithSubjectJsonAndDuration) {
  create_infrastructure();
  auto worker = start("w1");
  send(Scope::node, "w1", "aaaaaaaaaaaaaaaa", 3, "ping", "echo", {{"message", "hi"}});
  auto got = wait_results("aaaaaaaaaaaaaaaa", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].subject, "result.aaaaaaaaaaaaaaaa.3.w1");
  const auto& r = got[0].result;
  EXPECT_EQ(r.node_id, "w1");
  EXPECT_EQ(r.task_index, 3);
  EXPECT_EQ(r.status, "success");
  EXPECT_EQ(r.output, "hi");
  EXPECT_EQ(r.error, "");
  EXPECT_GT(r.duration.count(), 0);
  EXPECT_LT(now() - r.timestamp, 60s);

  // Command → result latency on one worker: from the command's publish to the stream storing
  // its result, sequential commands.
  constexpr int kRounds = 50;
  Duration total{};
  for (int i = 0; i < kRounds; ++i) {
    const auto sent = now();
    send(Scope::node, "w1", "bbbbbbbbbbbbbbbb", i, "ping", "echo");
    auto all = wait_results("bbbbbbbbbbbbbbbb", static_cast<std::size_t>(i + 1));
    ASSERT_EQ(all.size(), static_cast<std::size_t>(i + 1));
    total += all.back().stored - sent;
  }
  std::printf("[ measure  ] command -> stored result: %s on average over %d commands\n",
              format_duration(total / kRounds).c_str(), kRounds);
}

TEST_F(WorkerTest, ErrorTextsForBadParamsUnknownBackendAndAction) {
  create_infrastructure();
  auto worker = start("w1");
  send(Scope::node, "w1", "cccccccccccccccc", 0, "nosuch", "x");
  send(Scope::node, "w1", "cccccccccccccccc", 1, "ping", "frob");
  send(Scope::node, "w1", "cccccccccccccccc", 2, "ping", "echo", {}, std::nullopt,
       R"({"message": 5})");
  send(Scope::node, "w1", "cccccccccccccccc", 3, "test", "fail", {{"message", "boom"}});
  auto got = wait_results("cccccccccccccccc", 4);
  ASSERT_EQ(got.size(), 4u);
  for (const auto& p : got) EXPECT_EQ(p.result.status, "failed");
  EXPECT_EQ(got[0].result.error, "unknown backend: nosuch");
  EXPECT_EQ(got[0].result.output, "");
  EXPECT_EQ(got[1].result.error, "ping: unknown action \"frob\"");
  EXPECT_EQ(got[2].result.error.rfind("decode params: ", 0), 0u) << got[2].result.error;
  EXPECT_EQ(got[3].result.error, "boom");
}

TEST_F(WorkerTest, FiltersReachExactlyTheRightWorkers) {
  create_infrastructure();
  auto a = start("a", std::vector<std::string>{"web"});
  auto b = start("b", std::vector<std::string>{"db", "web2"});
  auto c = start("c");
  send(Scope::all, "", "1111111111111111", 0, "ping", "echo");
  send(Scope::group, "web", "2222222222222222", 0, "ping", "echo");
  send(Scope::node, "b", "3333333333333333", 0, "ping", "echo");
  send(Scope::group, "web2", "4444444444444444", 0, "ping", "echo");
  // A last broadcast: once every worker answered it, the earlier commands are done (FIFO).
  send(Scope::all, "", "ffffffffffffffff", 0, "ping", "echo");
  ASSERT_EQ(wait_results("ffffffffffffffff", 3).size(), 3u);
  EXPECT_EQ(nodes_of(wait_results("1111111111111111", 3)),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(nodes_of(wait_results("2222222222222222", 1)), std::vector<std::string>{"a"});
  EXPECT_EQ(nodes_of(wait_results("3333333333333333", 1)), std::vector<std::string>{"b"});
  EXPECT_EQ(nodes_of(wait_results("4444444444444444", 1)), std::vector<std::string>{"b"});
}

TEST_F(WorkerTest, LowestStreamSequenceRunsFirstAcrossConsumers) {
  create_infrastructure();
  auto worker = start("w1", std::vector<std::string>{"g"});
  const std::string job = "dddddddddddddddd";
  send(Scope::node, "w1", job, 0, "test", "sleep", {{"duration", "500ms"}});
  ASSERT_TRUE(test::wait_for([&] {  // running: the others are held while it runs
    return js.consumer_info(std::string(bus::kCommandsStream), "worker:w1:node").num_ack_pending ==
           1;
  }));
  send(Scope::group, "g", job, 1, "test", "succeed", {{"delay", "200ms"}});
  send(Scope::all, "", job, 2, "test", "succeed", {{"delay", "200ms"}});
  send(Scope::node, "w1", job, 3, "test", "succeed", {{"delay", "200ms"}});
  send(Scope::group, "g", job, 4, "test", "succeed", {{"delay", "200ms"}});
  send(Scope::all, "", job, 5, "test", "succeed", {{"delay", "200ms"}});
  auto got = wait_results(job, 6);
  ASSERT_EQ(got.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)].result.task_index, i);
}

TEST_F(WorkerTest, CommandLongerThanAckWaitRunsOnce) {
  create_infrastructure();
  auto options = fast_options();
  options.ack_wait = 1s;
  options.dispatch.progress_interval = 200ms;
  auto worker = start("w1", std::nullopt, options);
  const std::string job = "eeeeeeeeeeeeeeee";
  send(Scope::node, "w1", job, 0, "test", "sleep", {{"duration", "3s"}});
  ASSERT_TRUE(test::wait_for([&] {
    return js.consumer_info(std::string(bus::kCommandsStream), "worker:w1:node").num_ack_pending ==
           1;
  }));
  send(Scope::all, "", job, 1, "test", "succeed");  // held for 3 s: progress acks keep it
  send(Scope::node, "w1", job, 2, "ping", "echo");
  auto got = wait_results(job, 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].result.output, "slept 3s");
  EXPECT_EQ(wait_results(job, 4, 300ms).size(), 3u);
}

TEST_F(WorkerTest, RedeliveryWhileRunningIsNotExecutedAgain) {
  create_infrastructure();
  auto options = fast_options();
  options.ack_wait = 500ms;
  options.dispatch.progress_interval = 30s;  // no progress acks: the server redelivers
  auto worker = start("w1", std::nullopt, options);
  const std::string job = "abababababababab";
  send(Scope::node, "w1", job, 0, "test", "sleep", {{"duration", "3s"}});
  send(Scope::node, "w1", job, 1, "ping", "echo");
  // The server redelivers the running command (it counts as redelivered until acked).
  EXPECT_TRUE(test::wait_for([&] {
    return js.consumer_info(std::string(bus::kCommandsStream), "worker:w1:node").num_redelivered >
           0;
  }));
  auto got = wait_results(job, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].result.task_index, 0);
  EXPECT_EQ(got[1].result.task_index, 1);
  EXPECT_EQ(wait_results(job, 3, 300ms).size(), 2u);
}

TEST_F(WorkerTest, GracefulStopDrainsTheRunningCommandAndKeepsIdentityOffline) {
  // A fake systemctl marks when the command really runs (a delivered command may still be
  // held, and held commands are handed back at stop, not drained).
  backends::test::FakePrograms fakes;
  const auto started = fakes.dir() / "started";
  fakes.add("systemctl", "touch '" + started.string() + "'\nsleep 1\necho stopped\n");
  create_infrastructure();
  auto worker = start("w1", std::vector<std::string>{"web", "db"});
  const std::string job = "cdcdcdcdcdcdcdcd";
  send(Scope::node, "w1", job, 0, "systemd", "stop", {{"unit", "demo.service"}}, 1min);
  ASSERT_TRUE(test::wait_for([&] { return std::filesystem::exists(started); }));
  worker->stop();
  ASSERT_EQ(worker->error(), nullptr);
  auto got = wait_results(job, 1, 5s);  // published before run() returned
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].result.status, "success");
  EXPECT_EQ(got[0].result.output, "stopped\n");
  // The ack left on the worker's connection; the server may answer this other connection's
  // info request before it has processed it.
  EXPECT_TRUE(test::wait_for([&] {
    return js.consumer_info(std::string(bus::kCommandsStream), "worker:w1:node").num_ack_pending ==
           0;
  }));
  auto info = node_info("w1");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, "offline");
  EXPECT_EQ(info->hostname, os_host_name());
  EXPECT_EQ(info->groups, (std::vector<std::string>{"web", "db"}));
  ASSERT_TRUE(info->backends);
  EXPECT_TRUE(std::is_sorted(info->backends->begin(), info->backends->end()));
  EXPECT_NE(std::find(info->backends->begin(), info->backends->end(), "ping"),
            info->backends->end());
}

TEST_F(WorkerTest, RestartDoesNotReplayExecutedCommandsAndRunsQueuedOnes) {
  create_infrastructure();
  const std::string job = "efefefefefefefef";
  {
    auto worker = start("w1");
    send(Scope::node, "w1", job, 0, "ping", "echo");
    ASSERT_EQ(wait_results(job, 1).size(), 1u);
  }
  send(Scope::node, "w1", job, 1, "ping", "echo");  // queued while the worker is down
  auto worker = start("w1");
  ASSERT_EQ(wait_results(job, 2).size(), 2u);
  send(Scope::all, "", job, 2, "ping", "echo");
  auto got = wait_results(job, 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].result.task_index, 1);
  EXPECT_EQ(got[2].result.task_index, 2);
  EXPECT_EQ(wait_results(job, 4, 300ms).size(), 3u);
}

// A consumer deleted under a running worker (by an operator, or lost by a killed server):
// the next fetch fails with "Consumer Deleted", later ones only time out. The worker must
// re-create it, not stay deaf on it until restarted (found by the kill soak).
TEST_F(WorkerTest, DeletedConsumerIsRecreatedAndTheWorkerKeepsReceiving) {
  create_infrastructure();
  auto worker = start("w1");
  const std::string job = "cdcdcdcdcdcdcdcd";
  send(Scope::node, "w1", job, 0, "ping", "echo");
  ASSERT_EQ(wait_results(job, 1).size(), 1u);

  const std::string stream(bus::kCommandsStream);
  const std::string durable = bus::worker_node_consumer("w1").durable;
  js.delete_consumer(stream, durable);
  ASSERT_TRUE(test::wait_for([&] {
    try {
      return js.consumer_info(stream, durable).num_ack_pending == 0;
    } catch (const Error&) {
      return false;  // not re-created yet
    }
  })) << "the worker did not re-create its consumer";
  send(Scope::node, "w1", job, 1, "ping", "echo");
  auto got = wait_results(job, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].result.task_index, 1);
  EXPECT_EQ(wait_results(job, 3, 300ms).size(), 2u);
}

// Tests that put a consumer's state files back while the server restarts.
class LostConsumerStateTest : public WorkerTest {
 protected:
  std::filesystem::path consumer_state(const std::string& node) {
    return env.store_dir() / "jetstream" / "$G" / "streams" / std::string(bus::kCommandsStream) /
           "obs" / bus::worker_node_consumer(node).durable;
  }
  static void copy_tree(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::copy(from, to,
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
  }
  // Restarts the server (SIGTERM; the test environment relaunches it), running `while_down`
  // between its exit and its restart.
  void restart_server(const std::function<void()>& while_down) {
    const int old_pid = env.server().pid();
    ASSERT_EQ(::kill(old_pid, SIGTERM), 0);
    ASSERT_TRUE(test::wait_for([&] { return !test::process_alive(old_pid); }, 30s));
    while_down();
    ASSERT_TRUE(test::wait_for(
        [&] {
          const int pid = env.server().pid();
          return pid != 0 && pid != old_pid;
        },
        30s));
  }
  // A `ping echo` command, sent as soon as the restarted server takes it.
  void send_when_back(Scope scope, const std::string& value, const std::string& job, int index) {
    ASSERT_TRUE(test::wait_for(
        [&] {
          try {
            send(scope, value, job, index, "ping", "echo");
            return true;
          } catch (const Error&) {
            return false;
          }
        },
        30s));
  }
};

// A server that forgets a consumer's acks (killed before it wrote the consumer's state)
// delivers executed commands again as first deliveries (delivery count 1), as if new. The
// kill soak saw a step run twice on three nodes that way. Here the consumer's state files are
// put back to before a command while the server restarts (SIGTERM; the managed server comes
// back after 1 s): the command comes again and must be acknowledged without running.
TEST_F(LostConsumerStateTest, CommandDeliveredAgainAsNewAfterLostAcksIsNotExecutedAgain) {
  create_infrastructure();
  auto worker = start("w1");
  const std::string job = "cdcdcdcdcdcdcdcd";
  send(Scope::node, "w1", job, 0, "ping", "echo");
  ASSERT_EQ(wait_results(job, 1).size(), 1u);

  const auto state = consumer_state("w1");
  const auto saved = test::make_temp_dir("grid-consumer-state");
  restart_server([&] { copy_tree(state, saved); });
  send_when_back(Scope::node, "w1", job, 1);
  ASSERT_EQ(wait_results(job, 2).size(), 2u);

  restart_server([&] { copy_tree(saved, state); });
  send_when_back(Scope::node, "w1", job, 2);
  auto got = wait_results(job, 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].result.task_index, 2) << "step 1 ran again";
  EXPECT_EQ(wait_results(job, 4, 300ms).size(), 3u);
  std::filesystem::remove_all(saved);
}

// The consumer's state lost back to before commands run by an earlier process and by this
// one: the replay brings the earlier process's command first (answered in `results`: acked
// without running), then this process's own (remembered: acked without running). Found by
// the kill soak: the first replay made the worker forget how far it had run, and it ran its
// own command again.
TEST_F(LostConsumerStateTest, ReplayAfterLostConsumerStateRunsNothingAgain) {
  create_infrastructure();
  start("w1").reset();  // creates the durables, then stops
  const auto state = consumer_state("w1");
  const auto saved = test::make_temp_dir("grid-consumer-state");
  restart_server([&] { copy_tree(state, saved); });  // nothing acknowledged yet
  const std::string job = "cececececececece";
  {
    auto earlier = start("w1");
    send_when_back(Scope::node, "w1", job, 0);
    ASSERT_EQ(wait_results(job, 1).size(), 1u);
  }
  auto worker = start("w1");
  // Stored after this worker started: only its memory (not the look-up in `results`) can
  // recognise it when it is replayed.
  send(Scope::node, "w1", job, 1, "ping", "echo");
  ASSERT_EQ(wait_results(job, 2).size(), 2u);

  restart_server([&] { copy_tree(saved, state); });
  send_when_back(Scope::node, "w1", job, 2);
  const auto got = wait_results(job, 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].result.task_index, 2) << "a replayed command ran again";
  EXPECT_EQ(wait_results(job, 4, 300ms).size(), 3u);
  std::filesystem::remove_all(saved);
}

// A worker killed after publishing a result but before the server stored its ack (or a
// server that lost the ack) meets the command again after its restart, as a redelivery or a
// first delivery, with no memory of it. The result in stream `results` tells: stored after
// the command, it answers it (acked without running); stored before, it answered an earlier
// attempt (the command runs). The previous process's answers are published here by hand.
TEST_F(WorkerTest, RestartedWorkerDoesNotRunACommandAlreadyAnswered) {
  create_infrastructure();
  start("w1").reset();  // creates the durables, then stops
  const std::string job = "abababababababab";
  const auto answer = [&](int index) {
    model::TaskResult earlier{job, index, "w1", "success", "from before", "", 1ms, now()};
    js.publish(bus::result_subject(job, static_cast<std::uint64_t>(index), "w1"),
               model::to_json_text(earlier));
  };
  send(Scope::node, "w1", job, 0, "ping", "echo", {{"message", "ran again"}});
  answer(0);  // after the command: its answer
  answer(1);  // before the command: an earlier attempt's answer
  send(Scope::node, "w1", job, 1, "ping", "echo", {{"message", "retry ran"}});
  ASSERT_EQ(wait_results(job, 2).size(), 2u);

  auto worker = start("w1");
  const auto got = wait_results(job, 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].result.task_index, 1);
  EXPECT_EQ(got[2].result.output, "retry ran");
  EXPECT_EQ(wait_results(job, 4, 300ms).size(), 3u) << "step 0 ran again";
  const std::string durable = bus::worker_node_consumer("w1").durable;
  ASSERT_TRUE(test::wait_for([&] {
    const auto info = js.consumer_info(std::string(bus::kCommandsStream), durable);
    return info.num_pending == 0 && info.num_ack_pending == 0;
  })) << "the answered command was not acknowledged";
}

TEST_F(WorkerTest, CommandOlderThanItsTimeoutIsSkippedOnResume) {
  create_infrastructure();
  start("w1").reset();  // creates the durables, then stops
  const std::string job = "0123456789abcdef";
  send(Scope::node, "w1", job, 0, "test", "succeed", {}, 100ms);
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(test::wait_for([&] { return std::chrono::steady_clock::now() - sent > 300ms; }));
  auto worker = start("w1");
  auto got = wait_results(job, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].result.status, "failed");
  EXPECT_EQ(got[0].result.error.rfind("skipped: command is older than its timeout", 0), 0u)
      << got[0].result.error;
}

TEST_F(WorkerTest, TimeoutHeaderBoundsExecution) {
  create_infrastructure();
  auto worker = start("w1");
  const std::string job = "1212121212121212";
  send(Scope::node, "w1", job, 0, "test", "sleep", {{"duration", "30s"}}, 300ms);
  auto got = wait_results(job, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].result.status, "failed");
  EXPECT_EQ(got[0].result.error, "timeout after 300ms");
  EXPECT_LT(got[0].result.duration, 10s);
}

TEST_F(WorkerTest, LiveDuplicateIdentityIsRefused) {
  create_infrastructure();
  model::NodeInfo other{"w1", "other-host", std::nullopt, std::nullopt, "online", now()};
  nodes->put("w1", model::to_json_text(other));
  RunningWorker worker(worker_config("w1"), fast_options());
  ASSERT_TRUE(test::wait_for([&] { return worker.finished(); }));
  ASSERT_NE(worker.error(), nullptr);
  try {
    std::rethrow_exception(worker.error());
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by host other-host"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(node_info("w1")->hostname, "other-host");
  EXPECT_FALSE(consumer_exists(js, "worker:w1:all"));  // refused before touching consumers
}

TEST_F(WorkerTest, StaleEntryOfAnotherHostIsTakenOver) {
  create_infrastructure();
  model::NodeInfo other{"w1",         "other-host", std::nullopt,
                        std::nullopt, "online",     now() - kNodeOnlineWindow - 1s};
  nodes->put("w1", model::to_json_text(other));
  RunningWorker worker(worker_config("w1"), fast_options());
  EXPECT_TRUE(test::wait_for([&] { return node_info("w1")->hostname == os_host_name(); }));
  EXPECT_EQ(node_info("w1")->status, "online");
}

TEST_F(WorkerTest, WaitsForTheCommandsStreamAndRegistersOnlyAfterItsConsumers) {
  RunningWorker worker(worker_config("w1", std::vector<std::string>{"g"}), fast_options());
  // Nothing exists yet: the worker waits (BUG-61) instead of failing.
  const auto begun = std::chrono::steady_clock::now();
  ASSERT_TRUE(test::wait_for([&] { return std::chrono::steady_clock::now() - begun > 1s; }));
  EXPECT_FALSE(worker.finished());
  create_infrastructure();
  ASSERT_TRUE(test::wait_for([&] {
    if (!node_info("w1")) return false;
    // BUG-67: the moment the entry exists, the consumers must exist.
    EXPECT_TRUE(consumer_exists(js, "worker:w1:all"));
    EXPECT_TRUE(consumer_exists(js, "worker:w1:node"));
    EXPECT_TRUE(consumer_exists(js, "worker:w1:group:g"));
    return true;
  }));
  EXPECT_EQ(node_info("w1")->status, "online");
}

TEST_F(WorkerTest, StopWhileWaitingForTheStreamEndsCleanly) {
  RunningWorker worker(worker_config("w1"), fast_options());
  worker.stop();
  EXPECT_EQ(worker.error(), nullptr);
}

TEST_F(WorkerTest, GroupConsumersOfRemovedGroupsAreDeleted) {
  create_infrastructure();
  start("w1", std::vector<std::string>{"a", "b"}).reset();
  EXPECT_TRUE(consumer_exists(js, "worker:w1:group:b"));
  auto worker = start("w1", std::vector<std::string>{"a"});
  EXPECT_TRUE(consumer_exists(js, "worker:w1:group:a"));
  EXPECT_FALSE(consumer_exists(js, "worker:w1:group:b"));
}

TEST_F(WorkerTest, ReconnectsAfterNatsServerRestartAndKeepsWorking) {
  create_infrastructure();
  auto options = fast_options();
  options.ack_wait = 2s;  // a killed server may forget the last ack: redelivered sooner
  auto worker = start("w1", std::nullopt, options);
  const std::string job = "9999999999999999";
  send(Scope::node, "w1", job, 0, "ping", "echo");
  ASSERT_EQ(wait_results(job, 1).size(), 1u);

  const int old_pid = env.server().pid();
  ASSERT_EQ(::kill(old_pid, SIGKILL), 0);
  ASSERT_TRUE(test::wait_for(
      [&] {
        const int pid = env.server().pid();
        return pid != 0 && pid != old_pid;
      },
      60s));
  ASSERT_TRUE(test::wait_for(
      [&] {
        try {
          send(Scope::node, "w1", job, 1, "ping", "echo");
          return true;
        } catch (const Error&) {
          return false;
        }
      },
      60s));
  // The results reader may see result 0 again (the server may have lost its ack too).
  EXPECT_TRUE(test::wait_for(
      [&] {
        for (const auto& p : wait_results(job, 1)) {
          if (p.result.task_index == 1 && p.result.status == "success") return true;
        }
        return false;
      },
      60s));
}

}  // namespace
}  // namespace grid::worker
