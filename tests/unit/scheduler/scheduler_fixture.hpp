// A real nats-server, the scheduler on its own event loop thread, and stand-in workers that
// consume the real command subjects (all three families, SPEC §4.5 Test note) and publish
// real TaskResults, scripted per test.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grid/bus/connection.hpp"
#include "grid/bus/core_subscription.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/bus/topology.hpp"
#include "grid/loop/event_loop.hpp"
#include "grid/model/command_message.hpp"
#include "grid/model/job.hpp"
#include "grid/model/node_info.hpp"
#include "grid/model/task_result.hpp"
#include "grid/scheduler/scheduler.hpp"
#include "test_env.hpp"

namespace grid::scheduler::test {

using namespace std::chrono_literals;

// What a stand-in worker does with one command.
struct Reply {
  std::string status = "success";  // "" = stay silent
  std::string output = "ok";
  std::string error;
  Duration delay{};
  static Reply silent() { return Reply{"", "", "", {}}; }
  static Reply fail(std::string error = "intentional failure") {
    return Reply{"failed", "", std::move(error), {}};
  }
};

// One received command, as the worker saw it.
struct Received {
  std::string node;
  std::string subject;
  model::CommandMessage command;
  Timestamp at;
  int attempt = 0;  // 1-based count of (job, index) commands this node received
};

// The shared log of commands received and results published by every stand-in worker.
class Log {
 public:
  void command(Received r) {
    std::lock_guard lock(mutex_);
    commands_.push_back(std::move(r));
  }
  void result(const model::TaskResult& r) {
    std::lock_guard lock(mutex_);
    results_.push_back(r);
  }
  std::vector<Received> commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
  }
  std::vector<model::TaskResult> results() const {
    std::lock_guard lock(mutex_);
    return results_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Received> commands_;
  std::vector<model::TaskResult> results_;
};

inline bus::ConnectionOptions connection_options(const std::string& url, const std::string& name) {
  bus::ConnectionOptions options;
  options.urls = {url};
  options.name = name;
  return options;
}

class StandInWorker {
 public:
  using Script = std::function<Reply(const Received&)>;

  StandInWorker(const std::string& url, bus::KvStore& nodes, std::string id,
                std::vector<std::string> groups, Log& log, Script script)
      : id_(std::move(id)),
        log_(log),
        script_(std::move(script)),
        connection_(connection_options(url, id_)) {
    model::NodeInfo info{id_,      "host-" + id_, groups, std::vector<std::string>{"test", "ping"},
                         "online", now()};
    subscribe("cmd.all.>");
    subscribe("cmd.node." + id_ + ".>");
    for (const auto& group : groups) subscribe("cmd.group." + group + ".>");
    connection_.flush(5s);
    nodes.put(id_, model::to_json_text(info));
  }

  ~StandInWorker() {
    subscriptions_.clear();
    std::lock_guard lock(mutex_);
    for (auto& t : delayed_) t.join();
  }

  // Publishes a result as a worker would (core publish, captured by the `results` stream).
  void publish(const std::string& job, int index, const std::string& status,
               const std::string& output, const std::string& error, Timestamp at) {
    model::TaskResult result{job, index, id_, status, output, error, 1ms, at};
    connection_.publish(bus::result_subject(job, static_cast<std::uint64_t>(index), id_),
                        model::to_json_text(result));
    log_.result(result);
  }

  const std::string& id() const { return id_; }

 private:
  void subscribe(const std::string& subject) {
    subscriptions_.push_back(std::make_unique<bus::CoreSubscription>(
        connection_, subject, [this](bus::Message message) { on_command(message); }));
  }

  void on_command(const bus::Message& message) {
    Received r;
    r.node = id_;
    r.subject = std::string(message.subject());
    r.command = model::decode_command(message.headers(), message.data());
    r.at = now();
    {
      std::lock_guard lock(mutex_);
      r.attempt = ++attempts_[r.command.job_id + "/" + std::to_string(r.command.task_index)];
    }
    log_.command(r);
    const Reply reply = script_(r);
    if (reply.status.empty()) return;
    if (reply.delay == Duration{}) {
      publish(r.command.job_id, r.command.task_index, reply.status, reply.output, reply.error,
              now());
      return;
    }
    std::lock_guard lock(mutex_);
    delayed_.emplace_back([this, r, reply] {
      std::this_thread::sleep_for(reply.delay);
      publish(r.command.job_id, r.command.task_index, reply.status, reply.output, reply.error,
              now());
    });
  }

  std::string id_;
  Log& log_;
  Script script_;
  bus::Connection connection_;
  std::vector<std::unique_ptr<bus::CoreSubscription>> subscriptions_;
  std::mutex mutex_;
  std::map<std::string, int> attempts_;
  std::vector<std::thread> delayed_;
};

inline Reply succeed(const Received&) {
  return Reply{};
}

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest() {
    js.ensure_stream(bus::commands_stream_config(1));
    js.ensure_stream(bus::results_stream_config(1));
    js.ensure_stream(bus::requests_stream_config(1));
    jobs.emplace(bus::KvStore::create_or_open(js, std::string(bus::kJobsBucket), 1));
    nodes.emplace(bus::KvStore::create_or_open(js, std::string(bus::kNodesBucket), 1));
    controllers.emplace(
        bus::KvStore::create_or_open(js, std::string(bus::kControllersBucket), 1));
    loop_thread = std::thread([this] { loop.run(); });
  }

  ~SchedulerTest() override {
    if (scheduler) on_loop([this] { scheduler->stop(); });
    loop.stop();
    loop_thread.join();
    scheduler.reset();
    workers.clear();
  }

  void on_loop(std::function<void()> task) {
    std::promise<void> done;
    loop.post([&] {
      task();
      done.set_value();
    });
    done.get_future().get();
  }

  void make_scheduler(SchedulerOptions options = {}) {
    if (options.controller_id.empty()) options.controller_id = "ctrl-test";
    scheduler = std::make_unique<Scheduler>(
        loop, connection, js, bus::KvStore::open(js, std::string(bus::kJobsBucket)),
        bus::KvStore::open(js, std::string(bus::kNodesBucket)),
        bus::KvStore::open(js, std::string(bus::kControllersBucket)), options);
  }

  void start_scheduler(SchedulerOptions options = {}) {
    make_scheduler(std::move(options));
    on_loop([this] { scheduler->start(); });
  }

  StandInWorker& add_worker(const std::string& id, StandInWorker::Script script = succeed,
                            std::vector<std::string> groups = {}) {
    workers.push_back(std::make_unique<StandInWorker>(env.client_url(), *nodes, id,
                                                      std::move(groups), log, std::move(script)));
    return *workers.back();
  }

  void add_three(StandInWorker::Script script = succeed) {
    for (const char* id : {"n1", "n2", "n3"}) add_worker(id, script);
  }

  std::string submit(model::JobRequest request) {
    auto result = scheduler->submit(request);
    EXPECT_EQ(result.http_status, 202) << result.error;
    return result.job ? result.job->id : "";
  }

  std::optional<model::Job> read(const std::string& id) {
    auto entry = jobs->get(id);
    if (!entry) return std::nullopt;
    return model::parse_job(entry->value);
  }

  // Waits until the job reaches a terminal status and returns it.
  model::Job wait_terminal(const std::string& id, std::chrono::milliseconds deadline = 30s) {
    std::optional<model::Job> job;
    const bool ok = grid::test::wait_for(
        [&] {
          job = read(id);
          return job && model::is_terminal(job->status);
        },
        deadline);
    EXPECT_TRUE(ok) << "job " << id << " not terminal; status "
                    << (job ? model::to_string(job->status) : "missing");
    return job.value_or(model::Job{});
  }

  grid::test::TestEnv env;
  bus::Connection connection{connection_options(env.client_url(), "ctrl-test")};
  bus::JetStream js{connection};
  std::optional<bus::KvStore> jobs;
  std::optional<bus::KvStore> nodes;
  std::optional<bus::KvStore> controllers;
  loop::EventLoop loop;
  std::thread loop_thread;
  Log log;
  std::vector<std::unique_ptr<StandInWorker>> workers;
  std::unique_ptr<Scheduler> scheduler;
};

// Job-request builders.
inline model::Phase leaf(std::string backend, std::string action,
                         std::map<std::string, std::string> params = {}) {
  model::Phase p;
  p.backend = std::move(backend);
  p.action = std::move(action);
  p.params = std::move(params);
  return p;
}

inline model::Phase branch(std::vector<model::Phase> tasks, std::string condition = {}) {
  model::Phase p;
  p.tasks = std::move(tasks);
  p.condition = std::move(condition);
  return p;
}

inline model::Phase with(model::Phase p, std::string condition, std::string timeout = {},
                         int max_retries = 0) {
  p.condition = std::move(condition);
  p.timeout = std::move(timeout);
  p.max_retries = max_retries;
  return p;
}

inline model::JobRequest request(std::vector<model::Phase> tasks, std::string strategy = {},
                                 model::Target target = {"all", ""}) {
  model::JobRequest r;
  r.target = std::move(target);
  r.tasks = std::move(tasks);
  r.strategy = std::move(strategy);
  return r;
}

}  // namespace grid::scheduler::test
