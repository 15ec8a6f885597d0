// The controller's HTTP API (SPEC §10): JSON endpoints on cpp-httplib.
//
// Threads: cpp-httplib serves requests on its own pool (started by start(), joined by
// stop()). Handlers never touch scheduler state: they read KV, or call the scheduler's
// thread-safe submit/cancel (which write KV by CAS or post to the scheduler's loop).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grid/bus/connection.hpp"
#include "grid/bus/kv.hpp"
#include "grid/config/config.hpp"
#include "grid/model/job.hpp"
#include "grid/scheduler/scheduler.hpp"

namespace grid::api {

// What the API needs from the rest of the controller. Every member is thread-safe.
struct ApiServices {
  bus::Connection& connection;
  bus::KvStore& cluster;
  bus::KvStore& jobs;
  bus::KvStore& nodes;
  bus::KvStore& controllers;
  // Admission (§6.1) and cancellation (§6.11); both are safe from HTTP threads.
  scheduler::Scheduler& scheduler;
  // The NATS monitoring base URL for /nats ("" = not available, 503).
  std::string monitoring_url;
  // scheduler.allow: POST /job refuses leaves outside it (400); nullopt = all.
  std::optional<std::vector<std::string>> allow = std::nullopt;
  // GET /readyz: the first failing check ("nats: not connected"), nullopt when ready. Called
  // on HTTP threads. Unset: only the NATS connection is checked.
  std::function<std::optional<std::string>()> readiness = nullptr;
};

class ApiServer {
 public:
  ApiServer(const config::ApiConfig& config, ApiServices services);
  // Calls stop().
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds api.host:api.port and starts serving on a background thread. Throws grid::Error
  // "cannot listen on <host>:<port>: ..." when the address cannot be bound (BUG-56).
  void start();
  // Stops accepting, lets running requests finish (long-polls end early) and joins. Idempotent.
  void stop();

  // The bound port (useful with api.port 0 in tests).
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Bodies larger than this are refused with 413 (BUG-23).
inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
// The longest ?wait= a long-poll may ask for; longer values are capped.
inline constexpr Duration kMaxLongPoll = std::chrono::minutes(5);

}  // namespace grid::api
