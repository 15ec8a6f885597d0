#include "grid/controller/nats_endpoint.hpp"

namespace grid::controller {

natsd::ServerOptions managed_server_options(const config::Config& config) {
  const auto& nats = config.nats;
  natsd::ServerOptions options;
  options.binary = nats.server.binary;
  options.server_name = nats.name;
  options.host = nats.server.host;
  options.port = nats.server.port;
  options.store_dir = nats.jetstream.store;
  options.max_memory = nats.jetstream.max_memory;
  options.max_store = nats.jetstream.max_store;
  options.cluster.enabled = nats.cluster.enabled;
  options.cluster.name = nats.cluster.name;
  options.cluster.host = nats.cluster.host;
  options.cluster.port = nats.cluster.port;
  options.cluster.routes = nats.cluster.routes;
  options.http.enabled = nats.http.enabled;
  options.http.host = nats.http.host;
  options.http.port = nats.http.port;
  options.auth = {nats.auth.user, nats.auth.password, nats.auth.token};
  options.tls = {nats.tls.cert, nats.tls.key, nats.tls.ca, nats.tls.verify};
  return options;
}

std::vector<std::string> ignored_sidecar_keys(const config::Config& config) {
  const config::NatsConfig defaults;
  const auto& nats = config.nats;
  std::vector<std::string> keys;
  if (nats.server.host != defaults.server.host) keys.emplace_back("nats.server.host");
  if (nats.server.port != defaults.server.port) keys.emplace_back("nats.server.port");
  if (nats.cluster != defaults.cluster) keys.emplace_back("nats.cluster");
  if (nats.jetstream.store != defaults.jetstream.store) keys.emplace_back("nats.jetstream.store");
  if (nats.jetstream.max_store != 0) keys.emplace_back("nats.jetstream.max_store");
  if (nats.jetstream.max_memory != 0) keys.emplace_back("nats.jetstream.max_memory");
  return keys;
}

}  // namespace grid::controller
