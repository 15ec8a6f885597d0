#include "grid/scheduler/job_execution.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "grid/model/step_index.hpp"
#include "grid/scheduler/barrier_step.hpp"
#include "grid/scheduler/condition_gate.hpp"
#include "grid/scheduler/pipeline_step.hpp"

namespace grid::scheduler {
namespace {

constexpr Duration kMaxFinalWriteBackoff = std::chrono::seconds(10);

}  // namespace

JobExecution::JobExecution(ExecutionServices& services, StoredJob claimed, Defer defer,
                           std::function<void()> on_ended)
    : services_(services),
      stored_(std::move(claimed)),
      defer_(std::move(defer)),
      on_ended_(std::move(on_ended)),
      active_(stored_.job.expected),
      job_timer_(services.loop, [this] { cancel("job timeout " + stored_.job.timeout); }),
      final_write_timer_(services.loop, [this] { conclude(); }) {}

JobExecution::~JobExecution() = default;

void JobExecution::start() {
  if (const auto limit = parse_duration(stored_.job.timeout); limit && *limit > Duration{}) {
    job_timer_.start(*limit);
  }
  walk();
}

void JobExecution::on_result(const model::TaskResult& result) {
  if (!ended_ && step_) step_->on_result(result);
}

void JobExecution::cancel(const std::string& reason) {
  if (ended_) return;
  spdlog::info("job {}: cancelled ({})", id(), reason);
  end(model::JobStatus::kCancelled);
}

void JobExecution::check_stored(const std::optional<StoredJob>& stored) {
  if (ended_) return;
  if (stored && stored->job.status == model::JobStatus::kCancelled) {
    spdlog::info("job {}: cancelled in KV by another controller; stopping", id());
    stored_ = *stored;
    end(std::nullopt);
  } else if (!stored || stored->job.status != model::JobStatus::kRunning ||
             stored->job.owner != services_.controller_id) {
    spdlog::warn("job {}: no longer running under controller {}; stopping without writing", id(),
                 services_.controller_id);
    end(std::nullopt);
  }
}

void JobExecution::abandon() {
  if (!ended_) end(std::nullopt);
}

void JobExecution::publish(const model::Phase& leaf, int flat_index, const model::Target& target,
                           std::function<void(const Error& error)> on_failure) {
  const std::uint64_t generation = step_generation_;
  services_.commands.publish(
      id(), leaf, flat_index, target,
      [this, defer = defer_, generation, on_failure = std::move(on_failure)](const Error& e) {
        defer([this, generation, on_failure, error = std::string(e.what())] {
          if (!ended_ && step_ && generation == step_generation_) on_failure(Error(error));
        });
      });
}

void JobExecution::store_result(int index, const std::string& node, model::NodeResult result) {
  stored_.job.results[index][node] = std::move(result);
  dirty_ = true;
}

void JobExecution::finish(StepOutcome outcome) {
  const std::size_t leaves = model::leaf_count({stored_.job.tasks[phase_]});
  retired_ = std::move(step_);
  defer_([this, outcome = std::move(outcome), leaves] {
    retired_.reset();
    after_step(outcome, leaves);
  });
}

void JobExecution::walk() {
  const auto& tasks = stored_.job.tasks;
  while (!ended_ && phase_ < tasks.size()) {
    if (active_.empty()) return end(model::JobStatus::kFailed);
    const model::Phase& phase = tasks[phase_];
    const auto condition = model::parse_condition(phase.condition);
    if (!phase_runs(condition.value_or(model::Condition::kAlways), fail_fast_triggered_,
                    step_failed_)) {
      skip_phase(phase);
      continue;
    }
    StepContext& context = *this;
    ++step_generation_;
    if (model::is_leaf(phase)) {
      step_ = std::make_unique<BarrierStep>(context, phase, flat_index_);
    } else {
      step_ = std::make_unique<PipelineStep>(context, phase, flat_index_);
    }
    start_step();
    return;
  }
  if (!ended_) end(fail_fast_triggered_ ? model::JobStatus::kFailed : model::JobStatus::kCompleted);
}

// The step start is stored first when anything changed since the last write (BUG-53).
void JobExecution::start_step() {
  if (stored_.job.step != flat_index_) {
    stored_.job.step = flat_index_;
    dirty_ = true;
  }
  if (!dirty_) return step_->start();
  write([this](WriteOutcome outcome) {
    if (ended_) return conclude();
    if (outcome == WriteOutcome::cancelled_remotely) {
      spdlog::info("job {}: cancelled in KV by another controller; stopping", id());
    }
    if (outcome == WriteOutcome::cancelled_remotely || outcome == WriteOutcome::lost_ownership) {
      return end(std::nullopt);
    }
    step_->start();
  });
}

void JobExecution::skip_phase(const model::Phase& phase) {
  const std::size_t leaves = model::leaf_count({phase});
  for (std::size_t k = 0; k < leaves; ++k) {
    auto& step = stored_.job.results[flat_index_ + static_cast<int>(k)];
    step.clear();
    for (const auto& node : active_) step[node] = skipped_result();
  }
  dirty_ = true;
  flat_index_ += static_cast<int>(leaves);
  ++phase_;
}

void JobExecution::after_step(StepOutcome outcome, std::size_t leaves) {
  if (ended_) return;
  flat_index_ += static_cast<int>(leaves);
  ++phase_;
  if (outcome.aborted) return end(model::JobStatus::kFailed);
  if (!outcome.failed_nodes.empty()) {
    step_failed_ = true;
    if (stored_.job.strategy == model::Strategy::kContinue) {
      std::erase_if(active_, [&](const std::string& node) {
        return std::find(outcome.failed_nodes.begin(), outcome.failed_nodes.end(), node) !=
               outcome.failed_nodes.end();
      });
    } else {
      fail_fast_triggered_ = true;
    }
  }
  if (active_.empty()) return end(model::JobStatus::kFailed);
  walk();
}

void JobExecution::write(std::function<void(WriteOutcome)> on_done) {
  dirty_ = false;
  writing_ = true;
  auto on_ack = [this, defer = defer_, on_done = std::move(on_done)](bus::PublishAck ack) {
    defer([this, on_done, ack = std::move(ack)] {
      writing_ = false;
      on_done(services_.store.after_write(stored_, ack, services_.controller_id));
    });
  };
  try {
    services_.publisher.publish(services_.store.write_message(stored_), std::move(on_ack));
  } catch (const bus::NatsError& e) {
    on_ack({0, e});
  }
}

void JobExecution::end(std::optional<model::JobStatus> final_status) {
  ended_ = true;
  job_timer_.stop();
  if (step_) step_->halt();
  retired_ = std::move(step_);
  if (final_status) {
    stored_.job.status = *final_status;
    final_write_due_ = true;
    spdlog::info("job {}: {}", id(), model::to_string(*final_status));
  }
  if (!writing_) conclude();
}

void JobExecution::conclude() {
  if (!std::exchange(final_write_due_, false)) return defer_(on_ended_);
  write([this](WriteOutcome outcome) {
    // Not stored (NATS down, store full): a job left `running` would never end, so the write
    // is repeated, the slot kept, until it lands or the controller stops (§5.2).
    if (outcome == WriteOutcome::failed) {
      final_write_backoff_ = std::min(kMaxFinalWriteBackoff, final_write_backoff_ * 2);
      final_write_due_ = true;
      return final_write_timer_.start(final_write_backoff_);
    }
    // A conflict means someone else decided (cancel or recovery): nothing more to do.
    defer_(on_ended_);
  });
}

}  // namespace grid::scheduler
