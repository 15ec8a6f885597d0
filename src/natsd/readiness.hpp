// Readiness and liveness probes of the managed server (SPEC §16 D-1; private to natsd).
// Blocking, with short timeouts; thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "grid/natsd/server_options.hpp"

namespace grid::natsd {

// The ports file nats-server writes to ports_file_dir:
// {"nats":["nats://127.0.0.1:4222"],"monitoring":["http://127.0.0.1:8222"]}.
struct PortsFile {
  int client_port = 0;
  int monitoring_port = 0;
};

// <dir>/<binary basename>_<pid>.ports
std::filesystem::path ports_file_path(const std::filesystem::path& dir,
                                      const std::filesystem::path& binary, int pid);

// nullopt while the file is missing, partly written or lacks either URL.
std::optional<PortsFile> read_ports_file(const std::filesystem::path& path);

// Connects to host:port, reads the server's INFO, sends CONNECT + PING and waits for PONG.
// With `auth` enabled the CONNECT carries its credentials. With `tls_only_info` the probe stops
// at the server's INFO (a TLS client port cannot be probed in plain text).
bool nats_handshake(const std::string& host, int port, std::chrono::milliseconds timeout,
                    const AuthOptions& auth = {}, bool tls_only_info = false);

// GET <monitoring_url>/healthz?js-enabled-only=true answers 200.
bool jetstream_healthy(const std::string& monitoring_url, std::chrono::milliseconds timeout);

// GET <monitoring_url>/jsz: nullopt when it answers 200 within `timeout`, else what went wrong
// ("no answer after 5003 ms (Read)", "HTTP 500"). /jsz reads the state of every stream, so it
// waits for the store locks that a server wedged by a full store holds for ever, while pings,
// /healthz and /varz still answer there (measured on nats-server 2.9.10).
std::optional<std::string> jetstream_stalled(const std::string& monitoring_url,
                                             std::chrono::milliseconds timeout);

}  // namespace grid::natsd
