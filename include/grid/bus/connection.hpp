// A client connection to NATS configured as every GRID process connects (SPEC §4.1).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "grid/bus/handles.hpp"
#include "grid/common/duration.hpp"

namespace grid::bus {

// `connected` is only reported for a first connection made in the background (see
// retry_on_failed_connect); a connection made in the constructor reports nothing.
enum class ConnectionEvent { connected, disconnected, reconnected, closed };

// §4.1 defaults; only `urls` and `name` normally change.
struct ConnectionOptions {
  std::vector<std::string> urls;  // nats://host:port, tried in order
  std::string name;               // connection name shown by the server (nats.name)
  // Credentials (nats.auth): user+password, or token. Secrets: never logged.
  std::string user;
  std::string password;
  std::string token;
  // TLS (nats.tls): on when `secure`; `ca` replaces the system trust store; cert+key are the
  // client certificate presented to a server that verifies clients.
  bool secure = false;
  std::string ca;
  std::string cert;
  std::string key;
  // Retry in the background when no server is reachable at start (§4.1). The constructor then
  // returns after one attempt per URL without waiting for a server, and JetStream/KV requests
  // made before the connection is established fail with a timeout (JetStreamOptions).
  // False is for short-lived clients that prefer to fail at once.
  bool retry_on_failed_connect = true;
  int max_reconnects = -1;  // unlimited
  Duration reconnect_wait = std::chrono::seconds(2);
  Duration timeout = std::chrono::seconds(5);  // one connect attempt (§4.1 5 s)
  // Write small protocol messages (acks, pull requests, replies) at once instead of after
  // nats.c's ~1 ms flush delay (NATS-NOTES "SendAsap").
  bool send_asap = true;
  // Called from a nats.c thread after the event has been logged; must not block for long and
  // must not destroy the Connection.
  std::function<void(ConnectionEvent)> on_event;
};

// One NATS connection. Connects in the constructor (throws NatsError when it cannot connect
// and retry_on_failed_connect is false); reconnects automatically for ever. Disconnects,
// reconnects and the close are logged through spdlog.
//
// Thread-safety: all methods may be called from any thread (nats.c connections are
// thread-safe). Objects created from the connection (JetStream, KvStore, subscriptions) keep
// the underlying nats.c connection alive but stop working once it is closed.
class Connection {
 public:
  explicit Connection(ConnectionOptions options);
  // Closes the connection (pending writes are flushed, not drained) and waits for nats.c to
  // finish its callbacks.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // True while connected to a server.
  bool connected() const;
  // Waits up to `timeout` for the connection to be established; returns connected().
  bool wait_connected(Duration timeout) const;
  // The URL of the server currently connected to, or "" while not connected.
  std::string connected_url() const;
  // The last connection error nats.c recorded ("" when none), e.g. "Authorization Violation".
  std::string last_error() const;
  // True when the server refused this connection's credentials (wrong or missing nats.auth).
  bool auth_refused() const;
  // True once nats.c gave up on the connection for good (it never reconnects then).
  bool is_closed() const;

  // Core (non-JetStream) publish; the message is captured by a stream when its subject
  // matches one. Throws NatsError.
  void publish(const std::string& subject, std::string_view data);
  // The same with a reply subject (e.g. a hand-made JetStream pull request). Throws NatsError.
  void publish_request(const std::string& subject, const std::string& reply,
                       std::string_view data);
  // Round trip to the server: returns when everything written so far has been processed.
  void flush(Duration timeout);

  // Stops new deliveries, lets pending messages and publishes complete, then closes; waits up
  // to `timeout` for the close. Throws NatsError when draining cannot start.
  void drain(Duration timeout);
  // Closes at once. Idempotent.
  void close();

  // The raw handle for the other classes of the bus module; not for use outside it.
  natsConnection* raw() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Initialises nats.c's global state. Connections do it themselves; call it before building
// Messages without any connection (tests). Throws NatsError.
void open_nats_library();

// Releases nats.c's global resources (threads, caches) and waits up to `timeout` for them to
// end. Call once at process exit, after every bus object has been destroyed (keeps leak
// checkers quiet). Returns false when nats.c did not finish in time.
bool shutdown_nats_library(Duration timeout);

}  // namespace grid::bus
