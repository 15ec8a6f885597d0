#include "grid/worker/worker.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <exception>
#include <optional>
#include <vector>

#include "grid/backends/registry.hpp"
#include "grid/bus/async_publisher.hpp"
#include "grid/bus/connection.hpp"
#include "grid/bus/error.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/common/security.hpp"
#include "grid/common/token.hpp"
#include "grid/config/nats_client.hpp"
#include "grid/loop/event_loop.hpp"
#include "grid/worker/consumers.hpp"
#include "grid/worker/registration.hpp"

namespace grid::worker {
namespace {

constexpr Duration kFirstWaitBackoff = std::chrono::milliseconds(500);
constexpr Duration kMaxWaitBackoff = std::chrono::seconds(10);

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + redact_url(item);
  return out;
}

}  // namespace

struct Worker::Impl {
  enum class State { starting, serving, stopping };

  Impl(config::Config c, WorkerOptions o) : config(std::move(c)), options(o) {}

  const std::string& id() const { return config.nats.name; }
  std::vector<std::string> groups() const {
    return config.worker.groups.value_or(std::vector<std::string>{});
  }

  void connect() {
    bus::ConnectionOptions connection_options;
    connection_options.urls = config.nats.client.urls;
    connection_options.name = id();
    config::apply_nats_security(config.nats, connection_options);
    connection.emplace(std::move(connection_options));
    js.emplace(*connection);
  }

  // Start-up steps that run on the loop so that signals and request_stop() can end them.
  void try_start() {
    if (state != State::starting) return;
    try {
      if (!infrastructure_ready()) return;
      start_serving();
    } catch (const std::exception&) {
      startup_error = std::current_exception();
      state = State::stopping;
      loop.stop();
    }
  }

  // What a server that closes the connection at once most likely refused.
  std::string refused_credentials() const {
    const auto& tls = config.nats.tls;
    if (!tls.enabled()) return "this worker's credentials";
    if (tls.cert.empty()) {
      return "this worker's credentials, or it requires a client certificate and nats.tls.cert "
             "is not set";
    }
    return "this worker's credentials or its client certificate " + tls.cert +
           " (not signed by a CA the server trusts?)";
  }

  // BUG-61: the controller may not be up yet. Schedules another attempt when not ready.
  bool infrastructure_ready() {
    std::string waiting_for;
    if (!connection->connected()) {
      // A refused login never heals by retrying: fail at once with a clear message.
      if (connection->auth_refused()) {
        throw Error("NATS at " + join(config.nats.client.urls) + " refused this worker's " +
                    "credentials (" + connection->last_error() + "); check nats.auth");
      }
      // nats.c closes for good after some refusals (e.g. no credentials at all, or a server
      // with tls verify that rejects the client certificate in the TLS handshake).
      if (connection->is_closed()) {
        throw Error("NATS at " + join(config.nats.client.urls) +
                    " closed the connection before it was established (most likely it refused " +
                    refused_credentials() + "; last error: " + connection->last_error() +
                    "); check nats.auth and nats.tls");
      }
      waiting_for = "a NATS server at " + join(config.nats.client.urls);
    } else {
      waiting_for = "stream commands";
      try {
        js->stream_info(std::string(bus::kCommandsStream));
        waiting_for = "KV bucket nodes";
        nodes.emplace(bus::KvStore::open(*js, std::string(bus::kNodesBucket)));
        return true;
      } catch (const bus::NatsError& e) {
        if (!e.is_not_found() && !e.is_timeout()) throw;
        waiting_for += std::string(" (") + e.what() + ")";
      }
    }
    const bool first = wait_backoff == Duration::zero();
    wait_backoff = first ? kFirstWaitBackoff : std::min(wait_backoff * 2, kMaxWaitBackoff);
    auto level = first ? spdlog::level::info : spdlog::level::debug;
    spdlog::log(level, "waiting for {}; next attempt in {}", waiting_for,
                format_duration(wait_backoff));
    retry_timer.start(wait_backoff);
    return false;
  }

  // §8.1 with BUG-26 and BUG-67: identity check, consumers, registration, then fetching.
  void start_serving() {
    model::NodeInfo info;
    info.id = id();
    info.hostname = os_host_name();
    info.groups = config.worker.groups;
    info.backends = registry.names();
    registration.emplace(*nodes, std::move(info));
    registration->refuse_live_duplicate();

    const auto consumers = ensure_worker_consumers(
        *js, id(), groups(), {options.ack_wait, config.worker.inactive_threshold});
    auto dispatch = options.dispatch;
    dispatch.allow = config.worker.allow;
    dispatch.last_result_at = [this](const std::string& subject) {
      return js->last_message_time(std::string(bus::kResultsStream), subject);
    };
    publisher.emplace(*connection, js->options().timeout);
    dispatcher.emplace(loop, *publisher, registry, id(), dispatch);
    try {
      registration->register_online();
    } catch (const Error& e) {
      throw Error(std::string("registering node: ") + e.what());
    }
    registered = true;
    for (const auto& consumer : consumers) {
      fetchers.push_back(std::make_unique<Fetcher>(
          *js, consumer, options.fetch_wait, [this](bus::Message m) { hand_over(std::move(m)); }));
    }
    const auto interval = config.worker.heartbeat_interval;
    heartbeat_timer.start(interval, interval);
    state = State::serving;
    spdlog::info("worker {} ready: groups [{}], backends [{}], NATS {}", id(), join(groups()),
                 join(registry.names()), redact_url(connection->connected_url()));
  }

  // Fetcher thread → loop.
  void hand_over(bus::Message message) {
    auto shared = std::make_shared<bus::Message>(std::move(message));
    loop.post([this, shared] { dispatcher->deliver(std::move(*shared)); });
  }

  void heartbeat() {
    try {
      registration->heartbeat();
    } catch (const Error& e) {
      spdlog::warn("worker heartbeat failed (retried at the next tick): {}", e.what());
    }
  }

  // Loop thread: §8.3 up to the drain; the rest follows in shut_down() once the loop ends.
  void begin_shutdown(const char* reason) {
    if (state == State::stopping) return;
    const bool serving = state == State::serving;
    state = State::stopping;
    spdlog::info("{}, shutting down", reason);
    if (!serving) {
      loop.stop();
      return;
    }
    heartbeat_timer.stop();
    for (auto& fetcher : fetchers) fetcher->stop();
    dispatcher->drain([this] { loop.stop(); });
  }

  // After the loop: join fetchers, write offline (BUG-27), close NATS.
  void shut_down() {
    fetchers.clear();
    dispatcher.reset();
    if (registered) {
      try {
        registration->deregister();
        spdlog::info("worker {} offline", id());
      } catch (const Error& e) {
        spdlog::warn("marking worker {} offline failed: {}", id(), e.what());
      }
    }
    registration.reset();
    nodes.reset();
    publisher.reset();
    js.reset();
    connection.reset();
  }

  config::Config config;
  WorkerOptions options;
  backends::Registry registry = backends::builtin_registry();
  loop::EventLoop loop;
  State state = State::starting;
  std::exception_ptr startup_error;
  Duration wait_backoff{};
  loop::Timer retry_timer{loop, [this] { try_start(); }};
  loop::Timer heartbeat_timer{loop, [this] { heartbeat(); }};
  std::optional<loop::SignalWatcher> signals;
  std::optional<bus::Connection> connection;
  std::optional<bus::JetStream> js;
  std::optional<bus::AsyncPublisher> publisher;  // results
  std::optional<bus::KvStore> nodes;
  std::optional<NodeRegistration> registration;
  bool registered = false;
  std::optional<Dispatcher> dispatcher;
  std::vector<std::unique_ptr<Fetcher>> fetchers;
};

Worker::Worker(config::Config config, WorkerOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), options)) {}

Worker::~Worker() = default;

void Worker::run() {
  auto& s = *impl_;
  if (s.options.handle_signals) {
    s.signals.emplace(s.loop, std::initializer_list<int>{SIGINT, SIGTERM}, [&s](int signum) {
      s.begin_shutdown(signum == SIGINT ? "received SIGINT" : "received SIGTERM");
    });
  }
  try {
    s.connect();
  } catch (...) {
    s.shut_down();
    throw;
  }
  s.loop.post([&s] { s.try_start(); });
  s.loop.run();
  s.signals.reset();
  s.shut_down();
  if (s.startup_error) std::rethrow_exception(s.startup_error);
}

void Worker::request_stop() {
  impl_->loop.post([&s = *impl_] { s.begin_shutdown("stop requested"); });
}

}  // namespace grid::worker
