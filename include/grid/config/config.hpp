// The configuration of grid, gridw and gridc (SPEC §13, D-1, D-4): one struct tree shared by
// all binaries, each reading the sections it needs. A default-constructed Config holds every
// default of §13; the member initialisers below are the only place defaults are written.
// Values are validated and already converted (durations parsed, scheduler limits ≤ 0 replaced)
// by the loader (load.hpp). Plain values: copy freely, no thread-safety concerns.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grid/common/duration.hpp"
#include "grid/common/token.hpp"

namespace grid::config {

struct ApiTlsConfig {
  std::string cert;  // PEM certificate chain; HTTPS when cert and key are both set
  std::string key;   // PEM private key
  bool operator==(const ApiTlsConfig&) const = default;
};

struct ApiConfig {
  bool enabled = true;  // D-4: Go defaults to false
  std::string host = "localhost";
  int port = 8765;
  // Bearer tokens (docs/SECURITY.md). The loader appends the tokens of `token_file` (one per
  // line, '#' comments) to `tokens`; when the list is not empty every endpoint but /healthz
  // and /readyz requires one. Secrets: never log them.
  std::vector<std::string> tokens;
  std::string token_file;
  ApiTlsConfig tls;
  bool operator==(const ApiConfig&) const = default;
};

struct NatsClientConfig {
  std::vector<std::string> urls = {"nats://localhost:4222"};
  bool operator==(const NatsClientConfig&) const = default;
};

struct NatsClusterConfig {
  bool enabled = false;
  std::string name = "grid";
  std::string host;
  int port = 0;
  std::vector<std::string> routes;  // "host:port", or a full URL (BUG-66)
  bool operator==(const NatsClusterConfig&) const = default;
};

struct JetStreamConfig {
  int replicas = 1;             // 1..5; streams and KV buckets (BUG-52)
  std::string store = ".nats";  // YAML also accepts the alias `store_dir`
  std::int64_t max_store = 0;   // bytes, 0 = server default
  std::int64_t max_memory = 0;  // bytes, 0 = server default
  std::string domain;           // accepted and ignored, as in Go
  bool operator==(const JetStreamConfig&) const = default;
};

struct NatsHttpConfig {
  bool enabled = false;
  std::string host;
  int port = 0;  // -1 = random
  bool operator==(const NatsHttpConfig&) const = default;
};

struct NatsServerConfig {
  std::string host = "localhost";
  int port = 4222;      // -1 = random
  bool managed = true;  // D-1: run a managed nats-server child
  std::string binary;   // D-1: "" = search PATH, then /usr/sbin/nats-server
  bool operator==(const NatsServerConfig&) const = default;
};

// Credentials of every GRID connection; the managed server requires them (D-1). Either
// user+password or token, or nothing. Secrets: never log them.
struct NatsAuthConfig {
  std::string user;
  std::string password;
  std::string token;
  bool operator==(const NatsAuthConfig&) const = default;
};

// TLS of client connections. The managed server uses cert/key as its certificate and, with
// verify, requires client certificates signed by ca. Clients trust ca (else the system store)
// and present cert/key when set. TLS is on when cert (server) or any key here (client) is set.
struct NatsTlsConfig {
  std::string cert;
  std::string key;
  std::string ca;
  bool verify = false;
  bool enabled() const { return !cert.empty() || !ca.empty(); }
  bool operator==(const NatsTlsConfig&) const = default;
};

struct NatsConfig {
  // Controller ID / node ID / server and connection name; a loaded Config always holds a
  // valid token here (§2.1, BUG-62).
  std::string name = sanitize_host_name(os_host_name());
  NatsClientConfig client;
  NatsClusterConfig cluster;
  JetStreamConfig jetstream;
  NatsHttpConfig http;
  NatsServerConfig server;
  NatsAuthConfig auth;
  NatsTlsConfig tls;
  bool operator==(const NatsConfig&) const = default;
};

struct WorkerConfig {
  // nullopt when absent or null (NodeInfo.groups is then JSON null), else the list (maybe
  // empty); every group is a valid token (§2.1).
  std::optional<std::vector<std::string>> groups;
  Duration heartbeat_interval = std::chrono::seconds(30);
  Duration inactive_threshold = std::chrono::minutes(10);
  // Absolute roots for the file/cert/config backends; an explicit [] allows no path at all.
  std::vector<std::string> allowed_paths = {"/etc", "/var/log", "/tmp/grid", "/opt"};
  // Commands this worker runs: `backend`, `backend.action` or `*` patterns (allow_list.hpp);
  // nullopt = every built-in backend. Others get a failed result naming the rule.
  std::optional<std::vector<std::string>> allow;
  bool operator==(const WorkerConfig&) const = default;
};

struct SchedulerConfig {
  int max_concurrent = 5;  // a configured value ≤ 0 means this default
  int max_pending = 100;   // a configured value ≤ 0 means this default
  // Leaves the API accepts (same patterns as worker.allow); nullopt = all. POST /job answers
  // 400 naming the first leaf outside it.
  std::optional<std::vector<std::string>> allow;
  bool operator==(const SchedulerConfig&) const = default;
};

struct ControllerConfig {
  Duration heartbeat_interval = std::chrono::seconds(15);
  Duration stale_threshold = std::chrono::seconds(60);
  bool operator==(const ControllerConfig&) const = default;
};

struct Config {
  ApiConfig api;
  NatsConfig nats;
  WorkerConfig worker;
  SchedulerConfig scheduler;
  ControllerConfig controller;
  bool operator==(const Config&) const = default;
};

}  // namespace grid::config
