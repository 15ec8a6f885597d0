#include "grid/bus/connection.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "grid/bus/error.hpp"
#include "grid/common/security.hpp"

namespace grid::bus {
namespace {

int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::string join_urls(const std::vector<std::string>& urls) {
  std::string out;
  for (const auto& url : urls) out += (out.empty() ? "" : ",") + redact_url(url);
  return out;
}

}  // namespace

struct Connection::State {
  explicit State(ConnectionOptions opts) : options(std::move(opts)) {}

  // Called on nats.c's callback thread for every connection event, closed being the last.
  // The destructor may free this state as soon as `closed` is set, so nothing touches it
  // after the lock is released.
  void notify(ConnectionEvent event) {
    if (options.on_event) options.on_event(event);
    std::lock_guard lock(mutex);
    if (event == ConnectionEvent::closed) closed = true;
    changed.notify_all();
  }

  static State& of(void* closure) { return *static_cast<State*>(closure); }

  static void on_connected(natsConnection*, void* closure) {
    spdlog::info("NATS connection {} connected", of(closure).options.name);
    of(closure).notify(ConnectionEvent::connected);
  }
  static void on_disconnected(natsConnection*, void* closure) {
    spdlog::warn("NATS connection {} disconnected", of(closure).options.name);
    of(closure).notify(ConnectionEvent::disconnected);
  }
  static void on_reconnected(natsConnection*, void* closure) {
    spdlog::info("NATS connection {} reconnected", of(closure).options.name);
    of(closure).notify(ConnectionEvent::reconnected);
  }
  static void on_closed(natsConnection*, void* closure) {
    spdlog::info("NATS connection {} closed", of(closure).options.name);
    of(closure).notify(ConnectionEvent::closed);
  }
  static void on_async_error(natsConnection*, natsSubscription*, natsStatus status, void* closure) {
    spdlog::warn("NATS connection {}: asynchronous error: {}", of(closure).options.name,
                 natsStatus_GetText(status));
  }

  OptionsHandle make_options() {
    natsOptions* raw = nullptr;
    check(natsOptions_Create(&raw), "creating NATS options");
    OptionsHandle opts(raw);
    std::vector<const char*> servers;
    for (const auto& url : options.urls) servers.push_back(url.c_str());
    const int count = static_cast<int>(servers.size());
    check(natsOptions_SetServers(raw, servers.data(), count), "setting NATS servers");
    check(natsOptions_SetName(raw, options.name.c_str()), "setting connection name");
    check(natsOptions_SetTimeout(raw, to_ms(options.timeout)), "setting connect timeout");
    check(natsOptions_SetMaxReconnect(raw, options.max_reconnects), "setting max reconnects");
    check(natsOptions_SetReconnectWait(raw, to_ms(options.reconnect_wait)),
          "setting reconnect wait");
    check(natsOptions_SetSendAsap(raw, options.send_asap), "setting SendAsap");
    if (!options.token.empty()) {
      check(natsOptions_SetToken(raw, options.token.c_str()), "setting NATS token");
    } else if (!options.user.empty()) {
      check(natsOptions_SetUserInfo(raw, options.user.c_str(), options.password.c_str()),
            "setting NATS user");
    }
    if (options.secure) {
      check(natsOptions_SetSecure(raw, true), "enabling NATS TLS");
      if (!options.ca.empty()) {
        check(natsOptions_LoadCATrustedCertificates(raw, options.ca.c_str()),
              "loading NATS CA " + options.ca);
      }
      if (!options.cert.empty()) {
        check(natsOptions_LoadCertificatesChain(raw, options.cert.c_str(), options.key.c_str()),
              "loading NATS client certificate " + options.cert);
      }
    }
    check(natsOptions_SetDisconnectedCB(raw, on_disconnected, this), "setting callbacks");
    check(natsOptions_SetReconnectedCB(raw, on_reconnected, this), "setting callbacks");
    check(natsOptions_SetClosedCB(raw, on_closed, this), "setting callbacks");
    check(natsOptions_SetErrorHandler(raw, on_async_error, this), "setting callbacks");
    // With a connected callback nats.c retries in the background instead of blocking.
    if (options.retry_on_failed_connect) {
      check(natsOptions_SetRetryOnFailedConnect(raw, true, on_connected, this),
            "setting retry on failed connect");
    }
    return opts;
  }

  void connect() {
    OptionsHandle opts = make_options();
    natsConnection* raw = nullptr;
    const natsStatus status = natsConnection_Connect(&raw, opts.get());
    if (status == NATS_NOT_YET_CONNECTED) {
      spdlog::warn("NATS connection {}: no server reachable at {}, retrying in the background",
                   options.name, join_urls(options.urls));
    } else {
      check(status, "connecting to NATS at " + join_urls(options.urls));
    }
    connection.reset(raw);
  }

  bool wait_closed(Duration timeout) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [this] { return closed; });
  }

  ConnectionOptions options;
  ConnectionHandle connection;
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  bool closed = false;
};

Connection::Connection(ConnectionOptions options)
    : state_(std::make_unique<State>(std::move(options))) {
  state_->connect();
}

Connection::~Connection() {
  close();
  // nats.c runs the closed callback (the last one) on its own thread; the state it points to
  // must outlive it. Should it never come, leaking the state beats a use-after-free.
  if (!state_->wait_closed(state_->options.timeout + std::chrono::seconds(5))) {
    spdlog::error("NATS connection {}: close not confirmed, leaking its state",
                  state_->options.name);
    (void)state_.release();
    return;
  }
  state_->connection.reset();
}

bool Connection::connected() const {
  return natsConnection_Status(raw()) == NATS_CONN_STATUS_CONNECTED;
}

bool Connection::wait_connected(Duration timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [this] {
    return connected() || state_->closed;
  }) && connected();
}

std::string Connection::connected_url() const {
  char buffer[256] = {};
  if (natsConnection_GetConnectedUrl(raw(), buffer, sizeof buffer) != NATS_OK) return "";
  return buffer;
}

std::string Connection::last_error() const {
  const char* text = nullptr;
  const natsStatus status = natsConnection_GetLastError(raw(), &text);
  if (status == NATS_OK) return "";
  return text != nullptr && *text != '\0' ? text : natsStatus_GetText(status);
}

bool Connection::auth_refused() const {
  const char* text = nullptr;
  const natsStatus status = natsConnection_GetLastError(raw(), &text);
  if (status == NATS_CONNECTION_AUTH_FAILED) return true;
  const std::string message = text != nullptr ? text : "";
  return message.find("Authorization Violation") != std::string::npos ||
         message.find("Authentication") != std::string::npos;
}

bool Connection::is_closed() const {
  return natsConnection_IsClosed(raw());
}

void Connection::publish(const std::string& subject, std::string_view data) {
  check(natsConnection_Publish(raw(), subject.c_str(), data.data(), static_cast<int>(data.size())),
        "publishing to " + subject);
}

void Connection::publish_request(const std::string& subject, const std::string& reply,
                                 std::string_view data) {
  check(natsConnection_PublishRequest(raw(), subject.c_str(), reply.c_str(), data.data(),
                                      static_cast<int>(data.size())),
        "publishing to " + subject);
}

void Connection::flush(Duration timeout) {
  check(natsConnection_FlushTimeout(raw(), to_ms(timeout)), "flushing NATS connection");
}

void Connection::drain(Duration timeout) {
  if (natsConnection_IsClosed(raw())) return;
  check(natsConnection_DrainTimeout(raw(), to_ms(timeout)), "draining NATS connection");
  if (!state_->wait_closed(timeout)) close();
}

void Connection::close() {
  natsConnection_Close(raw());
}

natsConnection* Connection::raw() const {
  return state_->connection.get();
}

void open_nats_library() {
  check(nats_Open(-1), "initialising the NATS library");
}

bool shutdown_nats_library(Duration timeout) {
  return nats_CloseAndWait(to_ms(timeout)) == NATS_OK;
}

}  // namespace grid::bus
