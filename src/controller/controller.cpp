#include "grid/controller/controller.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <optional>

#include "grid/api/api_server.hpp"
#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/common/security.hpp"
#include "grid/common/token.hpp"
#include "grid/config/nats_client.hpp"
#include "grid/controller/controller_registry.hpp"
#include "grid/controller/infrastructure.hpp"
#include "grid/controller/nats_endpoint.hpp"
#include "grid/loop/event_loop.hpp"
#include "grid/natsd/managed_server.hpp"
#include "grid/scheduler/scheduler.hpp"

namespace grid::controller {
namespace {

constexpr auto kConnectDeadline = std::chrono::seconds(10);

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + redact_url(item);
  return out;
}

}  // namespace

struct Controller::Impl {
  explicit Impl(config::Config c) : config(std::move(c)) {}

  // Managed mode: start the child; sidecar mode: use nats.client.urls. Returns the URLs.
  std::vector<std::string> start_nats() {
    if (!config.nats.server.managed) {
      auto ignored = ignored_sidecar_keys(config);
      if (!ignored.empty()) {
        spdlog::debug("sidecar mode (nats.server.managed: false) ignores {}", join(ignored));
      }
      return config.nats.client.urls;
    }
    server.emplace(managed_server_options(config));
    server->start();
    return {server->client_url()};
  }

  void connect(const std::vector<std::string>& urls) {
    bus::ConnectionOptions options;
    options.urls = urls;
    options.name = config.nats.name;
    config::apply_nats_security(config.nats, options);
    connection.emplace(std::move(options));
    if (!connection->wait_connected(kConnectDeadline)) {
      if (connection->auth_refused()) {
        throw Error("NATS at " + join(urls) + " refused the controller's credentials (" +
                    connection->last_error() + "); check nats.auth");
      }
      throw Error("connecting to NATS at " + join(urls) + ": no server answered within " +
                  format_duration(kConnectDeadline) +
                  " (is it running with JetStream enabled? see nats.client.urls)");
    }
    js.emplace(*connection);
  }

  void start_heartbeat() {
    heartbeat_timer.emplace(loop, [this] {
      try {
        registration->heartbeat();
      } catch (const Error& e) {
        spdlog::warn("controller heartbeat failed (retried at the next tick): {}", e.what());
      }
    });
    auto interval = config.controller.heartbeat_interval;
    heartbeat_timer->start(interval, interval);
  }

  void start_scheduler() {
    scheduler::SchedulerOptions options;
    options.controller_id = config.nats.name;
    options.max_concurrent = config.scheduler.max_concurrent;
    options.max_pending = config.scheduler.max_pending;
    if (config.nats.server.managed) options.store_dir = config.nats.jetstream.store;
    options.stale_threshold = config.controller.stale_threshold;
    options.recovery = scheduler::spec_recovery_timing(config.controller.stale_threshold);
    scheduler.emplace(loop, *connection, *js,
                      bus::KvStore::open(*js, std::string(bus::kJobsBucket)),
                      bus::KvStore::open(*js, std::string(bus::kNodesBucket)),
                      bus::KvStore::open(*js, std::string(bus::kControllersBucket)), options);
    scheduler->start();
  }

  // §5.1 step 9: a bind failure aborts start-up (BUG-56).
  void start_api() {
    if (!config.api.enabled) {
      spdlog::info("API disabled (api.enabled: false)");
      return;
    }
    api.emplace(config.api, api::ApiServices{*connection, infra->cluster, infra->jobs, infra->nodes,
                                             infra->controllers, *scheduler, monitoring_url(),
                                             config.scheduler.allow, [this] { return unready(); }});
    api->start();
  }

  // GET /readyz (HTTP threads): the first failing check, nullopt when ready.
  std::optional<std::string> unready() {
    if (!serving.load()) return "scheduler: not running";
    if (!connection->connected()) return "nats: not connected";
    for (auto stream : {bus::kCommandsStream, bus::kResultsStream, bus::kRequestsStream}) {
      try {
        js->stream_info(std::string(stream));
      } catch (const Error& e) {
        return "stream " + std::string(stream) + ": " + e.what();
      }
    }
    return std::nullopt;
  }

  // Where GET /nats reads the server statistics (D-3); "" when there is no such endpoint.
  std::string monitoring_url() const {
    if (server) return server->monitoring_url();
    const auto& http = config.nats.http;
    if (!http.enabled) return "";
    return "http://" + (http.host.empty() ? std::string("127.0.0.1") : http.host) + ":" +
           std::to_string(http.port == 0 ? 8222 : http.port);
  }

  // Installed before start-up: a signal that arrives meanwhile is handled as soon as the loop
  // runs, so the shutdown sequence of §5.2 still happens.
  void watch_signals() {
    signals.emplace(loop, std::initializer_list<int>{SIGINT, SIGTERM}, [this](int signum) {
      spdlog::info("received {}, shutting down", signum == SIGINT ? "SIGINT" : "SIGTERM");
      loop.stop();
    });
  }

  void serve() {
    start_heartbeat();
    serving = true;
    spdlog::info("controller {} ready: NATS {}, streams and buckets in place", config.nats.name,
                 redact_url(connection->connected_url()));
    loop.run();
  }

  void shut_down() {
    serving = false;
    if (api) api->stop();
    api.reset();
    if (scheduler) scheduler->stop();  // §5.2: running jobs stay `running`, owned by us
    heartbeat_timer.reset();
    signals.reset();
    if (registration) {
      try {
        registration->deregister();
      } catch (const Error& e) {
        spdlog::warn("marking controller {} offline failed: {}", config.nats.name, e.what());
      }
    }
    registration.reset();
    scheduler.reset();
    infra.reset();
    js.reset();
    connection.reset();
    if (server) server->stop();
    server.reset();
  }

  config::Config config;
  loop::EventLoop loop;
  std::optional<natsd::ManagedServer> server;
  std::optional<bus::Connection> connection;
  std::optional<bus::JetStream> js;
  std::optional<Infrastructure> infra;
  std::optional<ControllerRegistration> registration;
  std::optional<loop::Timer> heartbeat_timer;
  std::optional<loop::SignalWatcher> signals;
  std::optional<scheduler::Scheduler> scheduler;
  std::optional<api::ApiServer> api;
  std::atomic<bool> serving{false};  // the loop (and with it the scheduler) runs
};

Controller::Controller(config::Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Controller::~Controller() = default;

void Controller::run() {
  auto& s = *impl_;
  s.watch_signals();
  try {
    s.connect(s.start_nats());
    s.infra.emplace(ensure_infrastructure(*s.js, s.config.nats.jetstream.replicas));
    s.registration.emplace(s.infra->controllers, s.config.nats.name, os_host_name(),
                           s.config.controller.stale_threshold);
    s.registration->register_online();
    s.start_scheduler();
    s.start_api();
  } catch (...) {
    s.registration.reset();  // never registered: nothing to mark offline
    s.shut_down();
    throw;
  }
  s.serve();
  s.shut_down();
}

void Controller::request_stop() {
  impl_->loop.stop();
}

}  // namespace grid::controller
