#include "grid/controller/controller_registry.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "grid/common/error.hpp"
#include "grid/common/timestamp.hpp"

namespace grid::controller {

ControllerRegistration::ControllerRegistration(bus::KvStore& controllers, std::string id,
                                               std::string hostname, Duration stale_threshold)
    : controllers_(controllers), stale_threshold_(stale_threshold) {
  info_.id = std::move(id);
  info_.hostname = std::move(hostname);
}

void ControllerRegistration::register_online() {
  refuse_live_duplicate();
  info_.started_at = now();
  info_.last_seen = info_.started_at;
  info_.status = "online";
  store();
}

void ControllerRegistration::heartbeat() {
  info_.last_seen = now();
  info_.status = "online";
  store();
}

void ControllerRegistration::deregister() {
  info_.last_seen = now();
  info_.status = "offline";
  store();
}

void ControllerRegistration::refuse_live_duplicate() {
  auto entry = controllers_.get(info_.id);
  if (!entry) return;
  model::ControllerInfo other;
  try {
    other = model::parse_controller_info(entry->value);
  } catch (const Error& e) {
    spdlog::warn("controller registry: replacing unreadable entry {}: {}", info_.id, e.what());
    return;
  }
  bool fresh = now() - other.last_seen <= stale_threshold_;
  if (other.status == "online" && fresh && other.hostname != info_.hostname) {
    throw Error("controller ID " + info_.id + " is in use by host " + other.hostname +
                " (online, last seen " + format_rfc3339(other.last_seen) +
                "): give this controller a distinct nats.name");
  }
}

void ControllerRegistration::store() {
  controllers_.put(info_.id, model::to_json_text(info_));
}

}  // namespace grid::controller
