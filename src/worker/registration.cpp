#include "grid/worker/registration.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "grid/common/error.hpp"
#include "grid/common/timestamp.hpp"

namespace grid::worker {

NodeRegistration::NodeRegistration(bus::KvStore& nodes, model::NodeInfo info)
    : nodes_(nodes), info_(std::move(info)) {}

void NodeRegistration::refuse_live_duplicate() const {
  const auto entry = nodes_.get(info_.id);
  if (!entry) return;
  model::NodeInfo other;
  try {
    other = model::parse_node_info(entry->value);
  } catch (const Error& e) {
    spdlog::warn("node registry: replacing unreadable entry {}: {}", info_.id, e.what());
    return;
  }
  const bool fresh = now() - other.last_seen < kNodeOnlineWindow;
  if (other.status == "online" && fresh && other.hostname != info_.hostname) {
    throw Error("node ID " + info_.id + " is in use by host " + other.hostname +
                " (online, last seen " + format_rfc3339(other.last_seen) +
                "): give this worker a distinct nats.name");
  }
}

void NodeRegistration::register_online() {
  store("online");
}

void NodeRegistration::heartbeat() {
  store("online");
}

void NodeRegistration::deregister() {
  store("offline");
}

void NodeRegistration::store(const char* status) {
  info_.status = status;
  info_.last_seen = now();
  nodes_.put(info_.id, model::to_json_text(info_));
}

}  // namespace grid::worker
