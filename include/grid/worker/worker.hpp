// The worker process (`gridw`, SPEC §8): connects to NATS, waits for stream `commands`,
// creates its consumers (D-2), registers in KV `nodes`, runs commands one at a time through
// the built-in backends and shuts down gracefully.
//
// Threads: the thread that calls run() owns the worker's event loop and all its state
// (registration, heartbeat, dispatcher). One fetcher thread per consumer and the executor
// thread hand their work to the loop with EventLoop::post. request_stop() may be called from
// any thread. nats.c keeps threads of its own behind the bus module.
#pragma once

#include <memory>

#include "grid/config/config.hpp"
#include "grid/worker/dispatcher.hpp"

namespace grid::worker {

// Knobs that are not configuration: production uses the defaults; tests shorten them.
struct WorkerOptions {
  Duration ack_wait = std::chrono::seconds(30);  // of the consumers (D-2)
  DispatcherSettings dispatch;
  Duration fetch_wait = std::chrono::seconds(1);  // one pull; bounds how long stopping takes
  bool handle_signals = true;                     // SIGINT/SIGTERM → request_stop()
};

class Worker {
 public:
  Worker(config::Config config, WorkerOptions options = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Start-up (§8.1, BUG-61, BUG-67, BUG-26): connect (retrying), wait for stream `commands`
  // (retrying with backoff), refuse a live duplicate identity, create the consumers, register
  // online, heartbeat every worker.heartbeat_interval, fetch and run commands. Returns after
  // SIGINT/SIGTERM or request_stop() once shut down (§8.3): fetching stopped, the running
  // command finished (bounded by its timeout), its result published and acked, the node
  // written offline, NATS closed. Throws grid::Error when start-up fails. Call once.
  void run();

  // Makes run() shut down and return; also ends a start-up that is still waiting. Thread-safe.
  void request_stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace grid::worker
