// The controller's own entry in KV `controllers` (SPEC §3.8, §5.3): registration, heartbeat
// and deregistration. Peers read these entries to decide which controllers are dead.
#pragma once

#include <string>

#include "grid/bus/kv.hpp"
#include "grid/common/duration.hpp"
#include "grid/model/controller_info.hpp"

namespace grid::controller {

// Owns the record of one controller ID. Not thread-safe: used from the controller's loop.
class ControllerRegistration {
 public:
  // `stale_threshold` (controller.stale_threshold) decides whether another host's entry under
  // the same ID is still alive (§5.3).
  ControllerRegistration(bus::KvStore& controllers, std::string id, std::string hostname,
                         Duration stale_threshold);

  // Puts {status: online, hostname, last_seen: now, started_at: now}. Throws grid::Error when
  // another host holds the ID with a fresh online entry (BUG-26; a restart on the same host is
  // allowed) or the write fails.
  void register_online();

  // Re-puts the record with last_seen = now and status online. Throws bus::NatsError.
  void heartbeat();

  // Puts status offline with last_seen = now, keeping hostname (BUG-28). Throws
  // bus::NatsError.
  void deregister();

  const model::ControllerInfo& info() const { return info_; }

 private:
  void refuse_live_duplicate();
  void store();

  bus::KvStore& controllers_;
  Duration stale_threshold_;
  model::ControllerInfo info_;
};

}  // namespace grid::controller
