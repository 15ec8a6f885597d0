// The controller process (`grid`, SPEC §5): starts or reaches NATS, creates the
// infrastructure, registers itself and keeps its heartbeat until asked to stop.
//
// Threads: the thread that calls run() owns the controller's event loop and all its state;
// request_stop() may be called from any thread. nats.c and the managed server keep threads of
// their own behind the bus and natsd modules.
#pragma once

#include <memory>

#include "grid/config/config.hpp"

namespace grid::controller {

class Controller {
 public:
  explicit Controller(config::Config config);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Start-up (§5.1): managed nats-server or sidecar connection (D-1), infrastructure (§4.6),
  // registration and heartbeat (§5.3), the scheduler (§6), the HTTP API (§10); then serves until
  // SIGINT/SIGTERM or request_stop(), and shuts down (§5.2): stops the API and the scheduler (no
  // more pulls or dispatches; running jobs keep their `running` status), deregisters (status
  // offline), closes NATS, stops the managed server. Throws grid::Error when start-up fails, after
  // undoing what it started.
  void run();

  // Makes run() shut down and return. Thread-safe; may come before run() starts serving.
  void request_stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace grid::controller
