// A real nats-server with the controller's streams and `nodes` bucket, a test publisher that
// stands in for the controller, a reader of every published result, and in-process workers.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/model/node_info.hpp"
#include "grid/model/task_result.hpp"
#include "grid/worker/worker.hpp"
#include "test_env.hpp"

namespace grid::worker {

// One worker running run() on its own thread.
class RunningWorker {
 public:
  RunningWorker(config::Config config, WorkerOptions options);
  // request_stop() and join (rethrows nothing; see error()).
  ~RunningWorker();
  void stop();  // request_stop() and join
  bool finished() const { return finished_; }
  std::exception_ptr error() const { return error_; }

 private:
  Worker worker_;
  std::atomic<bool> finished_{false};
  std::exception_ptr error_;
  std::thread thread_;
};

struct Published {
  std::string subject;
  model::TaskResult result;
  Timestamp stored;  // when the results stream stored it
};

class WorkerTest : public ::testing::Test {
 protected:
  WorkerTest();

  // Streams commands/results and bucket nodes, as the controller creates them.
  void create_infrastructure();

  config::Config worker_config(const std::string& name,
                               std::optional<std::vector<std::string>> groups = std::nullopt);
  static WorkerOptions fast_options();
  std::unique_ptr<RunningWorker> start(const std::string& name,
                                       std::optional<std::vector<std::string>> groups = {},
                                       WorkerOptions options = fast_options());
  // Waits until the node's KV entry says `status`.
  bool wait_status(const std::string& node, const std::string& status);
  std::optional<model::NodeInfo> node_info(const std::string& node);

  // Publishes a command as the controller does; returns its stream sequence. `body` replaces
  // the encoded params when set.
  std::uint64_t send(bus::Scope scope, const std::string& value, const std::string& job, int index,
                     const std::string& backend, const std::string& action,
                     std::map<std::string, std::string> params = {},
                     std::optional<Duration> timeout = std::nullopt,
                     std::optional<std::string> body = std::nullopt);

  // Every result published so far, in stream order (reads what arrived since the last call).
  const std::vector<Published>& results();
  // Waits until `count` results of `job` have arrived; returns them.
  std::vector<Published> wait_results(
      const std::string& job, std::size_t count,
      std::chrono::milliseconds deadline = std::chrono::seconds(30));

  test::TestEnv env;
  bus::Connection connection;
  bus::JetStream js;
  std::optional<bus::KvStore> nodes;

 private:
  std::optional<bus::PullSubscription> results_sub_;
  std::vector<Published> results_;
};

}  // namespace grid::worker
