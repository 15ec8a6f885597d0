#include "grid/worker/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/common/security.hpp"
#include "grid/common/token.hpp"

namespace grid::worker {
namespace {

constexpr Duration kFirstPublishBackoff = std::chrono::milliseconds(250);
constexpr Duration kMaxPublishBackoff = std::chrono::seconds(10);
// The backend enforces the command's timeout itself ("timeout after <T>"); the overrun timer
// is only the backstop for one that does not, so it fires this much later.
constexpr Duration kOverrunGrace = std::chrono::seconds(2);
// Executed commands remembered per consumer to recognise one delivered again as new; older
// ones are in any case past their timeout when they come back (skipped as stale).
constexpr std::size_t kRecentExecuted = 4096;

// Why worker.allow refuses the command, or nullopt when it may run.
std::optional<std::string> refusal(const std::optional<std::vector<std::string>>& allow,
                                   const model::CommandMessage& command) {
  if (!allow || is_allowed(*allow, command.backend, command.action)) return std::nullopt;
  return command.backend + "." + command.action + " is not allowed on this worker (worker.allow " +
         describe_allow_list(*allow) + ")";
}

// "job 3f9c… step 2 (ping echo, sequence 17)"
std::string describe(const model::CommandMessage& command, std::uint64_t sequence) {
  return "job " + command.job_id + " step " + std::to_string(command.task_index) + " (" +
         command.backend + " " + command.action + ", sequence " + std::to_string(sequence) + ")";
}

// Acks and progress notes are single writes; a failure (e.g. while reconnecting) only
// delays the server's view and is handled by redelivery rules.
template <typename Action>
void send_quietly(const char* what, Action&& action) {
  try {
    action();
  } catch (const Error& e) {
    spdlog::debug("{} failed: {}", what, e.what());
  }
}

}  // namespace

Dispatcher::Dispatcher(loop::EventLoop& loop, bus::AsyncPublisher& publisher,
                       backends::Registry& registry, std::string node_id,
                       DispatcherSettings settings)
    : loop_(loop),
      publisher_(publisher),
      node_id_(std::move(node_id)),
      settings_(settings),
      progress_timer_(loop, [this] { send_progress(); }),
      overrun_timer_(loop, [this] { on_overrun(); }),
      publish_timer_(loop, [this] { publish(); }),
      drain_timer_(loop, [this] { on_drain_limit(); }),
      executor_(registry, node_id_, [this](model::TaskResult result) {
        loop_.post(
            [this, result = std::move(result)]() mutable { on_finished(std::move(result)); });
      }) {
  const auto period = settings_.progress_interval;
  progress_timer_.start(period, period);
}

Dispatcher::~Dispatcher() = default;

void Dispatcher::deliver(bus::Message message) {
  bus::MessageMetadata metadata;
  try {
    metadata = message.metadata();
  } catch (const Error& e) {
    spdlog::warn("ignoring a command without JetStream metadata: {}", e.what());
    return;
  }
  if (absorb_redelivery(message, metadata)) return;
  if (draining_) {
    send_quietly("nak while stopping", [&] { message.nak(); });
    return;
  }
  Command command = read_command(message);
  const auto sequence = metadata.stream_sequence;
  held_.emplace(sequence, Entry{std::move(message), std::move(metadata), std::move(command)});
  start_next();
}

bool Dispatcher::absorb_redelivery(bus::Message& message, const bus::MessageMetadata& metadata) {
  const auto sequence = metadata.stream_sequence;
  // A redelivery of a message we still hold or run: keep the newest delivery for the ack.
  Entry* same = current_ && current_->metadata.stream_sequence == sequence ? &*current_ : nullptr;
  if (auto it = held_.find(sequence); it != held_.end()) same = &it->second;
  if (same != nullptr) {
    same->message = std::move(message);
    same->metadata = metadata;
    return true;
  }
  const auto executed = executed_.find(metadata.consumer);
  if (executed == executed_.end() || sequence > executed->second.last) return false;
  const auto& recent = executed->second.recent;
  if (const auto seen = recent.find(sequence); seen != recent.end()) {
    if (seen->second != metadata.timestamp) {
      // A new message under a sequence we ran: the server lost its latest messages (no
      // fsync, §16 durability note) and reused their sequences. This is a new command.
      spdlog::warn("stream sequence of {} went back to {} (server lost messages?)",
                   metadata.consumer, sequence);
      return false;
    }
    if (metadata.num_delivered <= 1) {
      // The same message again as a first delivery: the server lost the consumer's acks (a
      // kill before it wrote its state) or the consumer was re-created.
      spdlog::warn(
          "sequence {} of {} was delivered again as new (server lost the consumer's "
          "state?); already executed: acknowledged without running it",
          sequence, metadata.consumer);
    } else {
      spdlog::info("sequence {} of {} was already executed: acknowledged without running it",
                   sequence, metadata.consumer);
    }
    send_quietly("ack of an executed command", [&] { message.ack(); });
    return true;
  }
  // Not run by this process within the remembered window. Below that window a redelivery is
  // taken for executed (BUG-3); anything else was run, if at all, by an earlier process (a
  // replay after the server lost the consumer's state) and goes through start_next's checks.
  const bool below_window = recent.size() >= kRecentExecuted && sequence < recent.begin()->first;
  if (!below_window || metadata.num_delivered <= 1) return false;
  spdlog::info("sequence {} of {} was already executed: acknowledged without running it",
               sequence, metadata.consumer);
  send_quietly("ack of an executed command", [&] { message.ack(); });
  return true;
}

void Dispatcher::start_next() {
  while (phase_ == Phase::idle && !held_.empty() && !draining_) {
    auto node = held_.extract(held_.begin());  // lowest stream sequence first (D-2)
    current_.emplace(std::move(node.mapped()));
    const auto& metadata = current_->metadata;
    const auto& command = current_->command;
    auto& executed = executed_[metadata.consumer];
    executed.last = std::max(executed.last, metadata.stream_sequence);  // replays go back
    executed.recent[metadata.stream_sequence] = metadata.timestamp;
    if (executed.recent.size() > kRecentExecuted) executed.recent.erase(executed.recent.begin());

    if (!is_valid_token(command.message.job_id)) {
      spdlog::warn("dropping sequence {} of {}: no valid job-id header, nowhere to report",
                   metadata.stream_sequence, metadata.consumer);
      send_quietly("ack of a command without job-id", [&] { current_->message.ack(); });
      current_.reset();
      continue;
    }
    if (const auto answered = answered_before_start(*current_)) {
      spdlog::warn("{}: already answered before this worker started (result stored at {}): "
                   "acknowledged without running it",
                   describe(command.message, metadata.stream_sequence),
                   format_rfc3339(*answered));
      send_quietly("ack of an answered command", [this] { current_->message.ack(); });
      current_.reset();
      continue;
    }
    auto reason = refusal(settings_.allow, command.message);
    if (!reason) reason = stale_reason(command, metadata.timestamp, now());
    if (reason) {
      spdlog::warn("{}: {}", describe(command.message, metadata.stream_sequence), *reason);
      result_ = failed_result(command, node_id_, *reason);
      phase_ = Phase::publishing;
      publish_backoff_ = Duration::zero();
      publish();
      return;
    }
    spdlog::debug("running {}", describe(command.message, metadata.stream_sequence));
    phase_ = Phase::running;
    if (command.message.timeout && *command.message.timeout > Duration::zero()) {
      const auto timeout = *command.message.timeout;
      overrun_timer_.start(timeout > Duration::max() - kOverrunGrace ? Duration::max()
                                                                     : timeout + kOverrunGrace);
    }
    executor_.start(command);
  }
}

std::optional<Timestamp> Dispatcher::answered_before_start(const Entry& entry) {
  // Stream timestamps are the server's clock, started_at_ this host's: they are assumed to
  // agree (NTP), as result acceptance assumes too (§6.7).
  if (!settings_.last_result_at || entry.metadata.timestamp >= started_at_) {
    return std::nullopt;
  }
  const auto& command = entry.command.message;
  try {
    const auto stored = settings_.last_result_at(bus::result_subject(
        command.job_id, static_cast<std::uint64_t>(command.task_index), node_id_));
    if (stored && *stored >= entry.metadata.timestamp) return stored;
  } catch (const Error& e) {
    spdlog::warn("{}: could not look for an earlier result ({}); running it",
                 describe(command, entry.metadata.stream_sequence), e.what());
  }
  return std::nullopt;
}

void Dispatcher::on_finished(model::TaskResult result) {
  overrun_timer_.stop();
  result_ = std::move(result);
  phase_ = Phase::publishing;
  publish_backoff_ = Duration::zero();
  if (draining_) drain_timer_.start(settings_.drain_limit);
  publish();
}

void Dispatcher::publish() {
  const std::uint64_t attempt = ++publish_attempt_;
  std::optional<bus::Message> message;
  try {
    message.emplace(bus::result_subject(result_->job_id,
                                        static_cast<std::uint64_t>(result_->task_index), node_id_),
                    model::to_json_text(*result_));
  } catch (const Error& e) {
    return retry_publish(e.what());
  }
  publisher_.publish(std::move(*message), [&loop = loop_, self = std::weak_ptr(self_),
                                           attempt](bus::PublishAck ack) {
    loop.post([self, attempt, ack = std::move(ack)] {
      if (const auto alive = self.lock()) (*alive)->on_published(attempt, ack);
    });
  });
}

void Dispatcher::on_published(std::uint64_t attempt, const bus::PublishAck& ack) {
  if (phase_ != Phase::publishing || attempt != publish_attempt_) return;  // given up meanwhile
  if (ack.error) return retry_publish(ack.error->what());
  spdlog::debug("{}: {} in {}",
                describe(current_->command.message, current_->metadata.stream_sequence),
                result_->status, format_duration(result_->duration));
  send_quietly("ack", [this] { current_->message.ack(); });
  complete();
}

void Dispatcher::retry_publish(const std::string& error) {
  publish_backoff_ = publish_backoff_ == Duration::zero()
                         ? kFirstPublishBackoff
                         : std::min(publish_backoff_ * 2, kMaxPublishBackoff);
  spdlog::warn("publishing the result of {} failed (retrying in {}): {}",
               describe(current_->command.message, current_->metadata.stream_sequence),
               format_duration(publish_backoff_), error);
  publish_timer_.start(publish_backoff_);
}

void Dispatcher::complete() {
  drain_timer_.stop();
  publish_timer_.stop();
  current_.reset();
  result_.reset();
  phase_ = Phase::idle;
  finish_drain_if_idle();
  start_next();
}

void Dispatcher::send_progress() {
  for (auto& [sequence, entry] : held_) {
    send_quietly("progress ack", [&entry = entry] { entry.message.in_progress(); });
  }
  if (current_) send_quietly("progress ack", [this] { current_->message.in_progress(); });
}

void Dispatcher::on_overrun() {
  if (phase_ != Phase::running) return;
  spdlog::warn("{} is still running after its timeout {}; cancelling it",
               describe(current_->command.message, current_->metadata.stream_sequence),
               format_duration(*current_->command.message.timeout));
  executor_.cancel();
}

void Dispatcher::on_drain_limit() {
  if (phase_ == Phase::running) {
    spdlog::warn("stopping: cancelling {} after {}",
                 describe(current_->command.message, current_->metadata.stream_sequence),
                 format_duration(settings_.drain_limit));
    executor_.cancel();
  } else if (phase_ == Phase::publishing) {
    spdlog::error("stopping: giving up publishing the result of {}; it stays unacknowledged",
                  describe(current_->command.message, current_->metadata.stream_sequence));
    publish_timer_.stop();
    current_.reset();
    result_.reset();
    phase_ = Phase::idle;
    finish_drain_if_idle();
  }
}

void Dispatcher::drain(std::function<void()> drained) {
  draining_ = true;
  on_drained_ = std::move(drained);
  for (auto& [sequence, entry] : held_) {
    send_quietly("nak while stopping", [&entry = entry] { entry.message.nak(); });
  }
  held_.clear();
  const bool bounded_by_timeout = phase_ == Phase::running && current_->command.message.timeout;
  if (phase_ != Phase::idle && !bounded_by_timeout) {
    drain_timer_.start(settings_.drain_limit);
  }
  if (phase_ == Phase::running) {
    spdlog::info("stopping: waiting for {} to finish",
                 describe(current_->command.message, current_->metadata.stream_sequence));
  }
  finish_drain_if_idle();
}

void Dispatcher::finish_drain_if_idle() {
  if (!draining_ || phase_ != Phase::idle || !on_drained_) return;
  auto drained = std::move(on_drained_);
  on_drained_ = nullptr;
  drained();
}

}  // namespace grid::worker
