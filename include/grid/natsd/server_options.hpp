// Settings of the managed nats-server child process (SPEC §16 D-1). A plain value type: the
// controller maps its configuration (nats.server.*, nats.jetstream.*, nats.cluster.*,
// nats.http.*) onto it, so natsd does not depend on the config module.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace grid::natsd {

struct ClusterOptions {
  bool enabled = false;
  std::string name;
  std::string host;                 // "" = 0.0.0.0
  int port = 0;                     // 0 = 6222
  std::vector<std::string> routes;  // "host:port" (gets nats://) or a full URL (kept as is)
};

struct HttpOptions {
  bool enabled = false;  // false: monitoring on 127.0.0.1 for GRID's own use only (D-3)
  std::string host;      // "" = the server host
  int port = 0;          // 0 = 8222 when enabled, random when disabled; -1 = random
};

// Client authorization (docs/SECURITY.md): user+password, or token, or none.
struct AuthOptions {
  std::string user;
  std::string password;
  std::string token;
  bool enabled() const { return !user.empty() || !token.empty(); }
};

// TLS of the client port: server certificate and key; with verify, clients must present a
// certificate signed by ca.
struct TlsOptions {
  std::string cert;
  std::string key;
  std::string ca;
  bool verify = false;
  bool enabled() const { return !cert.empty(); }
};

// Liveness watchdog of the running server (supervision of D-1; docs/SECURITY.md, Faults): GET
// /jsz on the monitoring port `interval` after the previous probe ended, bounded by `timeout`;
// after `failures` failed probes in a row of one child process it is killed (SIGKILL) and
// restarted. The defaults never kill a slow server: a healthy one answered within 100 ms on a
// loaded 2-core machine, and a verdict takes at least 35 s without an answer. Tests shorten them.
struct WatchdogOptions {
  std::chrono::milliseconds interval{10'000};
  std::chrono::milliseconds timeout{5'000};
  int failures = 3;
};

struct ServerOptions {
  std::string binary;       // "" = search PATH, then /usr/sbin/nats-server
  std::string server_name;  // "" = let nats-server choose
  std::string host = "0.0.0.0";
  int port = 4222;         // -1 = random port, learned from the ports file
  std::string store_dir;   // JetStream store; also holds the generated config and ports file
  int64_t max_memory = 0;  // bytes; 0 = server default
  int64_t max_store = 0;   // bytes; 0 = server default
  ClusterOptions cluster;
  HttpOptions http;
  AuthOptions auth;
  TlsOptions tls;
  WatchdogOptions watchdog;
};

}  // namespace grid::natsd
