#include "worker_fixture.hpp"

#include "grid/bus/topology.hpp"
#include "grid/common/error.hpp"
#include "grid/model/command_message.hpp"

namespace grid::worker {

using namespace std::chrono_literals;

RunningWorker::RunningWorker(config::Config config, WorkerOptions options)
    : worker_(std::move(config), options), thread_([this] {
        try {
          worker_.run();
        } catch (...) {
          error_ = std::current_exception();
        }
        finished_ = true;
      }) {}

RunningWorker::~RunningWorker() {
  stop();
}

void RunningWorker::stop() {
  if (!thread_.joinable()) return;
  worker_.request_stop();
  thread_.join();
}

namespace {
bus::ConnectionOptions publisher_options(const std::string& url) {
  bus::ConnectionOptions options;
  options.urls = {url};
  options.name = "test-publisher";
  return options;
}
}  // namespace

WorkerTest::WorkerTest() : connection(publisher_options(env.client_url())), js(connection) {}

void WorkerTest::create_infrastructure() {
  js.ensure_stream(bus::commands_stream_config(1));
  js.ensure_stream(bus::results_stream_config(1));
  nodes.emplace(bus::KvStore::create_or_open(js, std::string(bus::kNodesBucket), 1));
  bus::ConsumerConfig reader;
  reader.durable = "test-results";
  reader.deliver_policy = bus::DeliverPolicy::all;
  js.ensure_consumer(std::string(bus::kResultsStream), reader);
  results_sub_.emplace(js.pull_subscribe(std::string(bus::kResultsStream), "test-results"));
}

config::Config WorkerTest::worker_config(const std::string& name,
                                         std::optional<std::vector<std::string>> groups) {
  config::Config config;
  config.nats.name = name;
  config.nats.client.urls = {env.client_url()};
  config.worker.groups = std::move(groups);
  config.worker.heartbeat_interval = 200ms;
  return config;
}

WorkerOptions WorkerTest::fast_options() {
  WorkerOptions options;
  options.fetch_wait = 200ms;
  options.handle_signals = false;
  return options;
}

std::unique_ptr<RunningWorker> WorkerTest::start(const std::string& name,
                                                 std::optional<std::vector<std::string>> groups,
                                                 WorkerOptions options) {
  auto worker = std::make_unique<RunningWorker>(worker_config(name, std::move(groups)), options);
  EXPECT_TRUE(wait_status(name, "online")) << name << " never came online";
  return worker;
}

std::optional<model::NodeInfo> WorkerTest::node_info(const std::string& node) {
  auto entry = nodes->get(node);
  if (!entry) return std::nullopt;
  return model::parse_node_info(entry->value);
}

bool WorkerTest::wait_status(const std::string& node, const std::string& status) {
  return test::wait_for([&] {
    auto info = node_info(node);
    return info && info->status == status;
  });
}

std::uint64_t WorkerTest::send(bus::Scope scope, const std::string& value, const std::string& job,
                               int index, const std::string& backend, const std::string& action,
                               std::map<std::string, std::string> params,
                               std::optional<Duration> timeout, std::optional<std::string> body) {
  model::CommandMessage command;
  command.job_id = job;
  command.task_index = index;
  command.backend = backend;
  command.action = action;
  command.timeout = timeout;
  command.params = std::move(params);
  bus::Message message(bus::command_subject(scope, value, backend, action),
                       body.value_or(model::command_body(command)));
  for (const auto& [name, header_value] : model::command_headers(command)) {
    message.set_header(name, header_value);
  }
  return js.publish(message);
}

const std::vector<Published>& WorkerTest::results() {
  for (;;) {
    auto messages = results_sub_->fetch(16, 50ms);
    if (messages.empty()) break;
    for (auto& message : messages) {
      results_.push_back({std::string(message.subject()), model::parse_task_result(message.data()),
                          message.metadata().timestamp});
      message.ack();
    }
  }
  return results_;
}

std::vector<Published> WorkerTest::wait_results(const std::string& job, std::size_t count,
                                                std::chrono::milliseconds deadline) {
  std::vector<Published> matching;
  test::wait_for(
      [&] {
        matching.clear();
        for (const auto& published : results()) {
          if (published.result.job_id == job) matching.push_back(published);
        }
        return matching.size() >= count;
      },
      deadline);
  return matching;
}

}  // namespace grid::worker
