// Maps nats.auth and nats.tls onto the options of a bus connection (grid and gridw connect
// the same way; docs/SECURITY.md). Header-only: a plain field copy.
#pragma once

#include "grid/bus/connection.hpp"
#include "grid/config/config.hpp"

namespace grid::config {

inline void apply_nats_security(const NatsConfig& nats, bus::ConnectionOptions& options) {
  options.user = nats.auth.user;
  options.password = nats.auth.password;
  options.token = nats.auth.token;
  options.secure = nats.tls.enabled();
  options.ca = nats.tls.ca;
  options.cert = nats.tls.cert;
  options.key = nats.tls.key;
}

}  // namespace grid::config
