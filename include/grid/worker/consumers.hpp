// The worker's durable pull consumers on stream `commands` (SPEC §4.4, §16 D-2) and the
// threads that fetch from them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grid/bus/jetstream.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/common/stop_signal.hpp"

namespace grid::worker {

// Settings of the worker consumers; ack_wait is 30 s in production (tests shorten it).
struct ConsumerSettings {
  Duration ack_wait;
  Duration inactive_threshold;
};

// D-2 start-up: creates, reuses or recreates (logged) worker:<node>:all, worker:<node>:node and
// one worker:<node>:group:<g> per distinct group, then deletes this node's group consumers
// whose group is no longer configured (skipped when `delete_stale` is false: that step lists
// every consumer of the stream). Returns the consumer configurations in use. Throws
// bus::NatsError (or grid::Error for invalid tokens). Any thread.
std::vector<bus::ConsumerConfig> ensure_worker_consumers(bus::JetStream& js,
                                                         const std::string& node,
                                                         const std::vector<std::string>& groups,
                                                         const ConsumerSettings& settings,
                                                         bool delete_stale = true);

// One thread fetching from one consumer (nats.c 3.4 has no callback pull subscriptions, and
// one subscription cannot run two fetches at once). Each message goes to `deliver` on the
// fetcher thread; the callback must hand it on quickly (the worker posts it to its loop).
// Fetch failures (disconnected server, missing consumer) are logged and retried with backoff;
// a consumer that disappeared is created again.
class Fetcher {
 public:
  using Deliver = std::function<void(bus::Message)>;

  // Binds to the existing durable `config` (throws bus::NatsError when it cannot) and starts
  // the thread. `js` must outlive the fetcher; `fetch_wait` bounds how long stop() takes.
  Fetcher(bus::JetStream& js, bus::ConsumerConfig config, Duration fetch_wait, Deliver deliver);
  // stop() and join.
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Asks the thread to stop after its current fetch; returns at once. Thread-safe.
  void stop();

 private:
  void work();
  void fetch_once();
  // Re-creates a consumer that disappeared (e.g. removed for inactivity) and binds again.
  void rebind();

  bus::JetStream& js_;
  const bus::ConsumerConfig config_;
  const Duration fetch_wait_;
  const Deliver deliver_;
  std::optional<bus::PullSubscription> subscription_;  // fetcher thread after construction
  StopSignal stop_;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace grid::worker
