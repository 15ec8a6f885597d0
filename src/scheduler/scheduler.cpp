#include "grid/scheduler/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <future>
#include <map>
#include <optional>
#include <set>

#include "grid/bus/async_publisher.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/bus/topology.hpp"
#include "grid/common/error.hpp"
#include "grid/scheduler/claim.hpp"
#include "grid/scheduler/command_publisher.hpp"
#include "grid/scheduler/job_execution.hpp"
#include "grid/scheduler/recovery.hpp"
#include "grid/scheduler/request_intake.hpp"
#include "grid/scheduler/result_listener.hpp"

namespace grid::scheduler {
namespace {

constexpr int kDefaultMaxConcurrent = 5;
constexpr int kDefaultMaxPending = 100;
constexpr auto kLocalLookupWait = std::chrono::seconds(5);

int or_default(int value, int fallback) {
  return value > 0 ? value : fallback;
}

}  // namespace

struct Scheduler::Impl : std::enable_shared_from_this<Impl> {
  struct Running {
    std::unique_ptr<JobExecution> execution;
    std::uint64_t serial = 0;
  };

  Impl(loop::EventLoop& l, bus::Connection& c, bus::JetStream& j, bus::KvStore jobs,
       bus::KvStore nodes, bus::KvStore controllers, SchedulerOptions o)
      : loop(l),
        connection(c),
        js(j),
        options(std::move(o)),
        store(std::move(jobs)),
        publisher(c, j.options().timeout),
        commands(publisher),
        admission(js, store, hints, abandoned, std::move(nodes),
                  or_default(options.max_pending, kDefaultMaxPending), options.store_dir),
        services{loop, store, publisher, commands, options.controller_id},
        scanner(store, std::move(controllers), js, abandoned, options.controller_id,
                options.stale_threshold, [this] { return local_jobs(); }) {}

  // Runs `task` on the loop thread if the scheduler still exists then.
  void post(std::function<void(Impl&)> task) {
    loop.post([weak = weak_from_this(), task = std::move(task)] {
      if (auto self = weak.lock()) task(*self);
    });
  }

  void start() {
    const auto recovered = recover_own_jobs(store, js, options.controller_id);
    if (recovered > 0) spdlog::info("re-queued {} orphaned job(s) of this controller", recovered);
    results.emplace(connection, [this](model::TaskResult result) {
      post([result = std::move(result)](Impl& self) { self.route(result); });
    });
    const std::string stream(bus::kRequestsStream);
    js.ensure_consumer(stream, bus::scheduler_consumer_config());
    intake.emplace(js.pull_subscribe(stream, std::string(bus::kSchedulerDurable)),
                   or_default(options.max_concurrent, kDefaultMaxConcurrent),
                   [this](std::shared_ptr<bus::Message> message) {
                     post([message](Impl& self) { self.handle_request(message); });
                   });
    check_timer.emplace(loop, [this] { check_ownership(); });
    const auto interval = options.ownership_check_interval;
    check_timer->start(interval, interval);
    accepting = true;
    scanner.start(options.recovery);
  }

  void stop() {
    accepting = false;
    scanner.stop();  // before `running` empties: a scan must not take our jobs for orphans
    intake.reset();
    results.reset();
    check_timer.reset();
    for (auto& [id, entry] : running) entry.execution->abandon();
    running.clear();
  }

  void route(const model::TaskResult& result) {
    const auto it = running.find(result.job_id);
    if (it != running.end()) it->second.execution->on_result(result);
  }

  void handle_request(const std::shared_ptr<bus::Message>& message) {
    // Posted before stop() destroyed the subscription: leave the message alone (acking it now
    // would use the freed subscription); the server redelivers it after its ack wait.
    if (!accepting) return;
    model::Job snapshot;
    try {
      snapshot = model::parse_job(message->data());
    } catch (const Error& e) {
      spdlog::warn("dropping undecodable request on {}: {}", message->subject(), e.what());
      return request_done(*message, true);
    }
    if (snapshot.status == model::JobStatus::kCancelled || running.contains(snapshot.id)) {
      return request_done(*message, true);
    }
    const auto revision = hints.take(snapshot.id);
    if (!revision) return claim_by_reading(*message, snapshot.id);
    StoredJob candidate{std::move(snapshot), *revision};
    mark_claimed(candidate.job, options.controller_id);
    claiming.insert(candidate.job.id);
    auto on_ack = [this, message, candidate](bus::PublishAck ack) mutable {
      post([message, candidate = std::move(candidate), ack = std::move(ack)](Impl& self) mutable {
        self.after_claim_write(message, std::move(candidate), ack);
      });
    };
    try {
      publisher.publish(store.write_message(candidate), std::move(on_ack));
    } catch (const bus::NatsError& e) {
      on_ack({0, e});
    }
  }

  // The claim with the admitted revision was answered.
  void after_claim_write(const std::shared_ptr<bus::Message>& message, StoredJob candidate,
                         const bus::PublishAck& ack) {
    claiming.erase(candidate.job.id);
    if (!accepting) return;
    if (!ack.error) {
      candidate.revision = ack.sequence;
      message->ack();  // after the claim (BUG-49)
      return run(std::move(candidate));
    }
    if (ack.error->is_cas_conflict()) return claim_by_reading(*message, candidate.job.id);
    spdlog::warn("job {}: claim write failed: {}", candidate.job.id, ack.error->what());
    request_done(*message, false);  // redelivered later
  }

  void claim_by_reading(bus::Message& message, const std::string& id) {
    Claim claim = claim_job(store, id, options.controller_id);
    if (claim.outcome == Claim::Outcome::retry_later) return request_done(message, false);
    if (claim.outcome == Claim::Outcome::dropped) return request_done(message, true);
    message.ack();  // after the claim (BUG-49)
    run(std::move(claim.job));
  }

  // A request that starts no execution: acked (or left for redelivery), its slot freed.
  void request_done(bus::Message& message, bool ack) {
    if (ack) message.ack();
    if (intake) intake->release_slot();
  }

  void run(StoredJob claimed) {
    const std::string id = claimed.job.id;
    const std::uint64_t serial = ++next_serial;
    auto defer = [this, id, serial](std::function<void()> task) {
      post([id, serial, task = std::move(task)](Impl& self) {
        const auto it = self.running.find(id);
        if (it != self.running.end() && it->second.serial == serial) task();
      });
    };
    auto on_ended = [this, id] {
      running.erase(id);
      if (intake) intake->release_slot();
    };
    auto& entry = running[id];
    entry.serial = serial;
    entry.execution = std::make_unique<JobExecution>(services, std::move(claimed), std::move(defer),
                                                     std::move(on_ended));
    spdlog::info("job {}: claimed by {}", id, options.controller_id);
    entry.execution->start();
  }

  void check_ownership() {
    for (auto& [id, entry] : running) {
      if (entry.execution->ended()) continue;
      try {
        entry.execution->check_stored(store.read(id));
      } catch (const Error& e) {
        spdlog::debug("job {}: ownership check failed: {}", id, e.what());
      }
    }
  }

  // For the recovery scan: the jobs executing or being claimed here, answered on the loop
  // (no answer once stopping: the promise is dropped).
  std::future<std::set<std::string>> local_jobs() {
    auto answer = std::make_shared<std::promise<std::set<std::string>>>();
    auto future = answer->get_future();
    post([answer](Impl& self) {
      if (!self.accepting) return;
      std::set<std::string> ids = self.claiming;
      for (const auto& [id, entry] : self.running) ids.insert(id);
      answer->set_value(std::move(ids));
    });
    return future;
  }

  // Any thread but the loop's: cancels a local execution; false when the job is not local.
  bool cancel_local(const std::string& id) {
    if (!accepting) return false;
    auto answer = std::make_shared<std::promise<bool>>();
    auto future = answer->get_future();
    post([id, answer](Impl& self) {
      const auto it = self.running.find(id);
      const bool local = it != self.running.end() && !it->second.execution->ended();
      if (local) it->second.execution->cancel("cancel request");
      answer->set_value(local);
    });
    if (future.wait_for(kLocalLookupWait) != std::future_status::ready) return false;
    return future.get();
  }

  loop::EventLoop& loop;
  bus::Connection& connection;
  bus::JetStream& js;
  SchedulerOptions options;
  JobStore store;
  bus::AsyncPublisher publisher;  // before everything that publishes through it
  CommandPublisher commands;
  ClaimHints hints;
  AbandonedJobs abandoned;
  Admission admission;
  ExecutionServices services;
  std::atomic<bool> accepting{false};
  std::map<std::string, Running> running;  // loop thread
  std::set<std::string> claiming;          // loop thread: claim writes awaiting their ack
  std::uint64_t next_serial = 0;
  std::optional<ResultListener> results;
  std::optional<RequestIntake> intake;
  std::optional<loop::Timer> check_timer;
  RecoveryScanner scanner;  // last: its thread asks the loop about the members above
};

Scheduler::Scheduler(loop::EventLoop& loop, bus::Connection& connection, bus::JetStream& js,
                     bus::KvStore jobs, bus::KvStore nodes, bus::KvStore controllers,
                     SchedulerOptions options)
    : impl_(std::make_shared<Impl>(loop, connection, js, std::move(jobs), std::move(nodes),
                                   std::move(controllers), std::move(options))) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::start() {
  impl_->start();
}

void Scheduler::stop() {
  impl_->stop();
}

SubmitResult Scheduler::submit(const model::JobRequest& request) {
  return impl_->admission.submit(request);
}

CancelResult Scheduler::cancel(const std::string& id) {
  if (impl_->cancel_local(id)) return {CancelResult::Kind::cancelled, {}};
  return cancel_in_store(impl_->store, id);
}

}  // namespace grid::scheduler
