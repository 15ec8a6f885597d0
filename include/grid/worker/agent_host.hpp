// Many worker agents in one process (bench/: fan-out to 1,000–10,000 nodes on one machine).
//
// Each agent is a node as gridw makes it, through the same worker library code: the same
// start-up steps (§8.1: refuse a live duplicate, D-2 consumers created before registering
// online, BUG-67), its own NodeRegistration (KV `nodes` entry, heartbeat, offline at stop),
// its own Dispatcher and Executor thread (one command at a time, result published before the
// ack, BUG-3/60/63/64). What the agents share instead of owning one each:
//   * `connections` NATS connections (agent i uses connection i mod C) with their JetStream
//     and KV handles, instead of one connection per gridw;
//   * `loops` event-loop threads (agent i's dispatcher lives on loop i mod L), instead of one
//     loop per gridw;
//   * one PullMux per connection (a core subscription and a sweeper thread) issuing pull
//     requests by hand with `pull_expires`, instead of one Fetcher thread per consumer
//     re-fetching every second;
//   * `startup_threads` heartbeat threads, each spreading its stripe of agents over the
//     interval;
//   * one backends::Registry (the built-in backends keep no state).
// Not done per agent: the start-up deletion of stale group consumers (it lists every consumer
// of stream `commands`, O(fleet) per node); a fresh bench server has none.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grid/worker/dispatcher.hpp"

namespace grid::worker {

struct AgentSpec {
  std::string id;                   // node ID (nats.name of a gridw)
  std::vector<std::string> groups;  // worker.groups
};

struct AgentHostOptions {
  std::vector<std::string> urls;
  std::string hostname;  // written in every agent's KV entry
  int connections = 4;
  int loops = 4;
  int startup_threads = 8;  // agents started concurrently; also the heartbeat threads
  Duration ack_wait = std::chrono::seconds(30);
  Duration inactive_threshold = std::chrono::minutes(10);
  Duration heartbeat_interval = std::chrono::seconds(30);
  Duration pull_expires = std::chrono::seconds(30);
  DispatcherSettings dispatch;
};

// start() and stop() from one controlling thread; everything else is internal.
class AgentHost {
 public:
  // Connects (throws bus::NatsError when a connection cannot be made).
  explicit AgentHost(AgentHostOptions options);
  // stop().
  ~AgentHost();
  AgentHost(const AgentHost&) = delete;
  AgentHost& operator=(const AgentHost&) = delete;

  // Starts `agents` and returns once every one of them is registered online and pulling.
  // Throws grid::Error on the first agent that cannot start. May be called more than once.
  void start(std::vector<AgentSpec> agents);
  // §8.3 for every agent: pulling stops, held messages are nak'ed, running commands finish
  // and their results are published and acked, then each agent is written offline. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace grid::worker
