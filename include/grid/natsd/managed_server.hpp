// The managed nats-server child process (SPEC §16 D-1): writes the configuration, launches
// `<binary> -c <config>`, waits until the server is ready, restarts it when it dies or stalls
// and stops it in order.
//
// Ownership and threads: a ManagedServer owns one thread running a private libuv loop; the
// child process, its output pipes and every timer live on that loop and are touched only
// there. Public methods may be called from any thread; they hand requests to the loop and
// read shared state under a small mutex. start() and stop() are serialised with each other
// (a stop() during start() waits until start() has returned).
//
// Supervision: a dead child is relaunched after a backoff (1 s doubling to 30 s, reset after
// 60 s up), but only while its store has room: a server started on a full store keeps a
// JetStream limit of the bytes then free. While the server runs, a Watchdog (its own thread,
// owned from start() to stop(); ServerOptions::watchdog) probes it, and a server that stopped
// answering is killed with SIGKILL on the loop, which then relaunches it as after a death.
//
// The child runs in its own session/process group (a terminal Ctrl-C reaches only GRID) with
// PR_SET_PDEATHSIG = SIGTERM armed against the loop thread, which lives until the child has
// been reaped, so the server never outlives a crashed controller.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "grid/natsd/server_options.hpp"

namespace grid::natsd {

class ManagedServer {
 public:
  explicit ManagedServer(ServerOptions options);
  // Calls stop().
  ~ManagedServer();
  ManagedServer(const ManagedServer&) = delete;
  ManagedServer& operator=(const ManagedServer&) = delete;

  // Finds and checks the binary, writes the configuration and launches the server; returns
  // once it is ready (ports file written, a NATS client handshake succeeds and
  // /healthz?js-enabled-only=true answers 200). Throws grid::Error on a binary problem, or
  // "NATS server not ready: ..." (with the last stderr lines when the child exited) after
  // killing the child when it is not ready within 10 s. A random port (-1) is pinned to the
  // port learned here so that restarts keep the addresses. Starts the watchdog. Call at most
  // once.
  void start();

  // SIGTERM to the child, SIGKILL after 10 s, reap it, remove its ports file and end the loop
  // and watchdog threads. Blocks until done; idempotent; no-op when start() was never called.
  void stop();

  // "nats://<connect host>:<port>" (the server host, or 127.0.0.1 for a wildcard host) and the
  // monitoring base URL "http://<host>:<port>" for /varz and /healthz (SPEC D-3: 127.0.0.1
  // when nats.http is disabled, else the http host with wildcards replaced by 127.0.0.1); the
  // ports are those of the ports file. Empty before a successful start() and after stop().
  std::string client_url() const;
  std::string monitoring_url() const;

  // Process id of the current child, 0 while none runs (e.g. between a crash and its restart).
  int pid() const;

  // How many times supervision has relaunched the server after it died or was killed as
  // stalled by the watchdog.
  int restart_count() const;

  // <store_dir>/grid-nats-server.conf
  std::filesystem::path config_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace grid::natsd
