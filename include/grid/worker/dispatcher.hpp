// Command handling on the worker's loop (SPEC §8.2, §8.3, §16 D-2): which held message runs
// next, progress acknowledgements, never running a stream sequence twice, publishing results
// with retries and acking only afterwards, and draining at shutdown.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grid/backends/registry.hpp"
#include "grid/bus/async_publisher.hpp"
#include "grid/common/timestamp.hpp"
#include "grid/loop/event_loop.hpp"
#include "grid/worker/command.hpp"
#include "grid/worker/executor.hpp"

namespace grid::worker {

struct DispatcherSettings {
  // +WPI period for held and running messages; must stay well below the ack wait (≤ 10 s).
  Duration progress_interval = std::chrono::seconds(5);
  // How long a running command without a timeout header may finish at shutdown.
  Duration drain_limit = std::chrono::seconds(60);
  // worker.allow: commands outside it get a failed result naming the rule instead of running;
  // nullopt = every built-in backend.
  std::optional<std::vector<std::string>> allow;
  // When stream `results` stored the newest message on a result subject (nullopt: none).
  // Asked, synchronously on the loop, for each command stored before this dispatcher
  // started (a restarted worker): a result stored after the command answers it already.
  // Empty: never asked.
  std::function<std::optional<Timestamp>(const std::string& subject)> last_result_at;
};

// Loop thread only (constructor, destructor and every method): all state lives on the loop.
// Owns the Executor; its results come back through EventLoop::post.
//
// Messages are held (one per consumer at most, max ack pending 1) until the executor is free;
// then the held message with the lowest stream sequence runs. Its result is published to
// result.<job>.<index>.<node> (retried with backoff until it succeeds, BUG-63) and only then
// the message is acked. The publish does not block the loop: its ack comes back through the
// AsyncPublisher and is posted to the loop (other agents sharing the loop keep running). A
// redelivery of a sequence this worker already executed is acked without running or
// publishing (BUG-3); so is a command stored before this process started whose result is
// already in stream `results` (the previous process ran it and the server lost the ack). A
// command older than its timeout is not run: a failed result says so (BUG-60).
class Dispatcher {
 public:
  // `loop`, `publisher` and `registry` must outlive the dispatcher.
  Dispatcher(loop::EventLoop& loop, bus::AsyncPublisher& publisher, backends::Registry& registry,
             std::string node_id, DispatcherSettings settings);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // A message fetched from one of the worker's consumers.
  void deliver(bus::Message message);

  // Shutdown (§8.3, BUG-64): held and later messages are nak'ed for redelivery; the running
  // command may finish until its deadline (or drain_limit without one), then it is cancelled;
  // `drained` runs once its result is published and acked (at once when idle).
  void drain(std::function<void()> drained);

 private:
  struct Entry {
    bus::Message message;
    bus::MessageMetadata metadata;
    Command command;
  };
  enum class Phase { idle, running, publishing };

  bool absorb_redelivery(bus::Message& message, const bus::MessageMetadata& metadata);
  std::optional<Timestamp> answered_before_start(const Entry& entry);
  void start_next();
  void on_finished(model::TaskResult result);
  void publish();
  void on_published(std::uint64_t attempt, const bus::PublishAck& ack);
  void retry_publish(const std::string& error);
  void complete();
  void send_progress();
  void on_overrun();
  void on_drain_limit();
  void finish_drain_if_idle();

  loop::EventLoop& loop_;
  bus::AsyncPublisher& publisher_;
  const std::string node_id_;
  const DispatcherSettings settings_;
  const Timestamp started_at_ = now();

  std::map<std::uint64_t, Entry> held_;  // by stream sequence
  std::optional<Entry> current_;         // running or publishing
  Phase phase_ = Phase::idle;
  std::optional<model::TaskResult> result_;  // of current_, while publishing
  Duration publish_backoff_{};
  std::uint64_t publish_attempt_ = 0;  // tells the ack of the latest publish from stale ones
  // What one consumer delivered and this process started. A delivery at or below `last`
  // whose sequence and stream timestamp are in `recent` is a command this process ran (a
  // redelivery, or a first delivery after the server lost the consumer's acks); the same
  // sequence with another timestamp is a new command under a reused sequence (the server
  // lost messages). A sequence not in `recent` was not run here, except a redelivery below
  // the remembered window (BUG-3).
  struct Executed {
    std::uint64_t last = 0;  // highest sequence started (replays after lost acks go lower)
    std::map<std::uint64_t, Timestamp> recent;  // sequence → stored at; the newest kRecentExecuted
  };
  std::map<std::string, Executed> executed_;  // by consumer
  bool draining_ = false;
  std::function<void()> on_drained_;  // called once when draining ends

  loop::Timer progress_timer_;
  loop::Timer overrun_timer_;  // BUG-6 warning when the running command outlives its timeout
  loop::Timer publish_timer_;  // retry backoff
  loop::Timer drain_timer_;    // cancels the running command at shutdown
  // Publish acks reach the loop through a weak copy: none runs after the destructor.
  std::shared_ptr<Dispatcher*> self_ = std::make_shared<Dispatcher*>(this);
  Executor executor_;          // last: destroyed first, its thread may still post results
};

}  // namespace grid::worker
