// Many pull consumers served over one connection without a thread per consumer (NATS-NOTES
// "hand-made pull requests"): used by AgentHost to run thousands of worker agents in one
// process. gridw itself keeps one Fetcher thread per consumer (consumers.hpp).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "grid/bus/connection.hpp"
#include "grid/bus/core_subscription.hpp"
#include "grid/bus/jetstream.hpp"

namespace grid::worker {

// Keeps one pull request (batch 1, `expires`) outstanding per registered durable of stream
// `commands`, with reply subject <inbox>.<n>; one core subscription on <inbox>.* receives the
// deliveries of all of them. A delivered message is identified by the durable in its
// $JS.ACK reply subject, made ackable through the connection (Message::acknowledge_through)
// and handed to that durable's `deliver` on the nats.c delivery thread; the next pull request
// is issued at once, so each consumer behaves as a Fetcher looping on fetch(1). Expired
// requests (408), conflicts (409) and requests lost with a server restart are re-issued by a
// sweeper thread; a consumer that disappeared (no responders) is created again with backoff.
//
// Thread-safety: add() and stop() may be called from any thread.
class PullMux {
 public:
  using Deliver = std::function<void(bus::Message)>;

  // `connection` and `js` (on that connection) must outlive the mux. Subscribes at once
  // (throws bus::NatsError).
  PullMux(bus::Connection& connection, bus::JetStream& js, std::string inbox, Duration expires);
  // stop(), then unsubscribes and waits for the last delivery callback.
  ~PullMux();
  PullMux(const PullMux&) = delete;
  PullMux& operator=(const PullMux&) = delete;

  // Starts pulling from the existing durable `config` (created by ensure_worker_consumers).
  void add(bus::ConsumerConfig config, Deliver deliver);
  // Issues no more pull requests; deliveries already on their way are still handed over.
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    bus::ConsumerConfig config;
    Deliver deliver;
    std::string reply;
    Clock::time_point due;  // when to (re-)issue the pull request
    bool missing = false;   // the consumer did not answer: re-create it at `due`
    Duration backoff{};
  };

  void on_message(bus::Message message);
  void request(Entry& entry);  // mutex_ held
  void sweep();

  bus::Connection& connection_;
  bus::JetStream& js_;
  const std::string inbox_;
  const Duration expires_;
  const std::string request_body_;
  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<Entry>> entries_;           // index = inbox suffix
  std::unordered_map<std::string, Entry*> by_durable_;
  std::optional<bus::CoreSubscription> subscription_;
  std::thread sweeper_;
};

}  // namespace grid::worker
