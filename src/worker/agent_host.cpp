#include "grid/worker/agent_host.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "grid/backends/registry.hpp"
#include "grid/bus/async_publisher.hpp"
#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/common/job_id.hpp"
#include "grid/loop/event_loop.hpp"
#include "grid/worker/consumers.hpp"
#include "grid/worker/pull_mux.hpp"
#include "grid/worker/registration.hpp"

namespace grid::worker {
namespace {

using Clock = std::chrono::steady_clock;

// One event-loop thread hosting the dispatchers of some agents.
struct Shard {
  loop::EventLoop loop;
  std::thread thread;
};

// Runs `task` on `shard`'s loop and waits for it; rethrows what it threw.
void run_on(Shard& shard, const std::function<void()>& task) {
  std::promise<void> done;
  auto future = done.get_future();
  shard.loop.post([&] {
    try {
      task();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  future.get();
}

}  // namespace

struct AgentHost::Impl {
  struct Agent {
    AgentSpec spec;
    std::size_t connection = 0;
    std::size_t shard = 0;
    std::optional<NodeRegistration> registration;  // startup, heartbeat, then stop thread
    std::unique_ptr<Dispatcher> dispatcher;        // its shard's loop thread only
  };
  struct Link {
    std::unique_ptr<bus::Connection> connection;
    std::unique_ptr<bus::JetStream> js;
    std::unique_ptr<bus::AsyncPublisher> publisher;  // results of its agents
    std::optional<bus::KvStore> nodes;
    std::unique_ptr<PullMux> mux;
  };

  explicit Impl(AgentHostOptions o) : options(std::move(o)) {
    const auto inbox = "_GRID_AGENTS." + new_job_id();
    for (int c = 0; c < std::max(1, options.connections); ++c) {
      Link link;
      bus::ConnectionOptions co;
      co.urls = options.urls;
      co.name = "grid-agents-" + std::to_string(c);
      co.retry_on_failed_connect = false;
      link.connection = std::make_unique<bus::Connection>(std::move(co));
      link.js = std::make_unique<bus::JetStream>(*link.connection);
      link.publisher =
          std::make_unique<bus::AsyncPublisher>(*link.connection, link.js->options().timeout);
      link.nodes.emplace(bus::KvStore::open(*link.js, std::string(bus::kNodesBucket)));
      link.mux = std::make_unique<PullMux>(*link.connection, *link.js,
                                           inbox + "." + std::to_string(c), options.pull_expires);
      links.push_back(std::move(link));
    }
    for (int l = 0; l < std::max(1, options.loops); ++l) {
      auto shard = std::make_unique<Shard>();
      shard->thread = std::thread([s = shard.get()] { s->loop.run(); });
      shards.push_back(std::move(shard));
    }
    // One sync KV put per heartbeat: a single thread cannot refresh 10,000 entries within the
    // 2-minute online window on a loaded machine, so the agents are striped over several.
    for (int k = 0; k < std::max(1, options.startup_threads); ++k) {
      heartbeats.emplace_back([this, k] { heartbeat_loop(static_cast<std::size_t>(k)); });
    }
  }

  void start_agent(Agent& agent) {
    auto& link = links[agent.connection];
    model::NodeInfo info;
    info.id = agent.spec.id;
    info.hostname = options.hostname;
    info.groups = agent.spec.groups;
    info.backends = registry.names();
    agent.registration.emplace(*link.nodes, std::move(info));
    agent.registration->refuse_live_duplicate();
    const auto consumers =
        ensure_worker_consumers(*link.js, agent.spec.id, agent.spec.groups,
                                {options.ack_wait, options.inactive_threshold}, false);
    auto& shard = *shards[agent.shard];
    run_on(shard, [&] {
      agent.dispatcher = std::make_unique<Dispatcher>(shard.loop, *link.publisher, registry,
                                                      agent.spec.id, options.dispatch);
    });
    try {
      agent.registration->register_online();
    } catch (const Error& e) {
      throw Error("registering node " + agent.spec.id + ": " + e.what());
    }
    for (const auto& consumer : consumers) {
      link.mux->add(consumer, [&shard, &agent](bus::Message m) {
        auto shared = std::make_shared<bus::Message>(std::move(m));
        shard.loop.post([&agent, shared] {
          if (agent.dispatcher) agent.dispatcher->deliver(std::move(*shared));
        });
      });
    }
  }

  void start(std::vector<AgentSpec> specs) {
    const std::size_t first = agents.size();
    {
      std::lock_guard lock(mutex);
      for (auto& spec : specs) {
        auto agent = std::make_unique<Agent>();
        const auto index = agents.size();
        agent->spec = std::move(spec);
        agent->connection = index % links.size();
        agent->shard = index % shards.size();
        agents.push_back(std::move(agent));
      }
    }
    std::atomic<std::size_t> next{first};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    std::vector<std::thread> starters;
    for (int t = 0; t < std::max(1, options.startup_threads); ++t) {
      starters.emplace_back([&] {
        for (auto i = next++; i < agents.size(); i = next++) {
          try {
            start_agent(*agents[i]);
            std::lock_guard lock(mutex);
            live.push_back(agents[i].get());
          } catch (...) {
            std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            next = agents.size();
          }
        }
      });
    }
    for (auto& t : starters) t.join();
    if (failure) std::rethrow_exception(failure);
  }

  // Spreads the heartbeats of the started agents k, k + K, k + 2K, … over one interval.
  void heartbeat_loop(std::size_t k) {
    const std::size_t stripes = heartbeats_wanted();
    std::unique_lock lock(mutex);
    std::size_t i = k;
    while (!stopping) {
      const auto count = std::max<std::size_t>(live.size() / stripes, 1);
      const auto step = std::chrono::duration_cast<Clock::duration>(options.heartbeat_interval) /
                        static_cast<long>(count);
      wake.wait_for(lock, step, [this] { return stopping; });
      if (stopping || live.empty()) continue;
      if (i >= live.size()) i = k;
      if (i >= live.size()) continue;
      auto& agent = *live[i];
      i += stripes;
      lock.unlock();
      try {
        agent.registration->heartbeat();
      } catch (const Error& e) {
        spdlog::warn("agent {} heartbeat failed: {}", agent.spec.id, e.what());
      }
      lock.lock();
    }
  }

  void stop() {
    {
      std::lock_guard lock(mutex);
      if (stopping) return;
      stopping = true;
    }
    wake.notify_all();
    for (auto& t : heartbeats) t.join();
    for (auto& link : links) link.mux->stop();
    // Drain every dispatcher on its loop, then destroy them there and end the loop.
    for (std::size_t s = 0; s < shards.size(); ++s) {
      auto& shard = *shards[s];
      shard.loop.post([this, s, &shard] {
        auto pending = std::make_shared<std::size_t>(1);
        auto finish = [this, s, &shard, pending] {
          if (--*pending != 0) return;
          shard.loop.post([this, s, &shard] {
            for (std::size_t i = s; i < agents.size(); i += shards.size()) {
              agents[i]->dispatcher.reset();
            }
            shard.loop.stop();
          });
        };
        for (std::size_t i = s; i < agents.size(); i += shards.size()) {
          if (!agents[i]->dispatcher) continue;
          ++*pending;
          agents[i]->dispatcher->drain(finish);
        }
        finish();
      });
    }
    for (auto& shard : shards) shard->thread.join();
    for (auto& link : links) link.mux.reset();
    // BUG-27: every agent offline, keeping hostname, groups and backends.
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < std::max(1, options.startup_threads); ++t) {
      writers.emplace_back([&] {
        for (auto i = next++; i < live.size(); i = next++) {
          try {
            live[i]->registration->deregister();
          } catch (const Error& e) {
            spdlog::warn("marking agent {} offline failed: {}", live[i]->spec.id, e.what());
          }
        }
      });
    }
    for (auto& t : writers) t.join();
    for (auto& link : links) {
      link.nodes.reset();
      link.publisher.reset();
      link.js.reset();
      link.connection.reset();
    }
  }

  AgentHostOptions options;
  backends::Registry registry = backends::builtin_registry();
  std::vector<Link> links;
  std::vector<std::unique_ptr<Shard>> shards;
  std::mutex mutex;  // guards agents (growth), live, stopping
  std::condition_variable wake;
  std::vector<std::unique_ptr<Agent>> agents;
  std::vector<Agent*> live;  // registered online and pulling, in start order
  bool stopping = false;
  std::vector<std::thread> heartbeats;
  std::size_t heartbeats_wanted() const {
    return static_cast<std::size_t>(std::max(1, options.startup_threads));
  }
};

AgentHost::AgentHost(AgentHostOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

AgentHost::~AgentHost() { stop(); }

void AgentHost::start(std::vector<AgentSpec> agents) { impl_->start(std::move(agents)); }

void AgentHost::stop() { impl_->stop(); }

}  // namespace grid::worker
