// How the controller reaches NATS (SPEC §16 D-1): the settings of its managed nats-server, or
// the external servers of sidecar mode. Pure functions of the configuration; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "grid/config/config.hpp"
#include "grid/natsd/server_options.hpp"

namespace grid::controller {

// The managed server's settings from nats.name, nats.server.*, nats.jetstream.*,
// nats.cluster.* and nats.http.*. The liveness watchdog keeps natsd's defaults
// (natsd::WatchdogOptions): the configuration of §13 has no key for it.
natsd::ServerOptions managed_server_options(const config::Config& config);

// The keys that sidecar mode (nats.server.managed: false) ignores and that are set to
// something other than their default, as YAML paths; logged at debug level at start-up.
std::vector<std::string> ignored_sidecar_keys(const config::Config& config);

}  // namespace grid::controller
