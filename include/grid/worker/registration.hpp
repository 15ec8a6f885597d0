// The worker's own entry in KV `nodes` (SPEC §3.7, §8.1, §8.3, §8.4): registration,
// heartbeat and deregistration.
#pragma once

#include <string>

#include "grid/bus/kv.hpp"
#include "grid/common/duration.hpp"
#include "grid/model/node_info.hpp"

namespace grid::worker {

// A node counts as online for target resolution while its last_seen is younger than this
// (§7); an entry that fresh under our ID from another host is a live duplicate (BUG-26).
inline constexpr Duration kNodeOnlineWindow = std::chrono::minutes(2);

// Owns the record of one node ID. Not thread-safe: used from the worker's loop thread.
class NodeRegistration {
 public:
  // `info` carries id, hostname, groups and backends (sorted by the caller); status and
  // last_seen are set here. `nodes` must outlive the registration.
  NodeRegistration(bus::KvStore& nodes, model::NodeInfo info);

  // Throws grid::Error when another host holds the ID with an `online` entry seen within
  // kNodeOnlineWindow (a restart on the same host is allowed). Reads KV; throws
  // bus::NatsError when it cannot.
  void refuse_live_duplicate() const;

  // Puts {status: online, last_seen: now}. Throws bus::NatsError.
  void register_online();
  // Re-puts the full record with a new last_seen. Throws bus::NatsError.
  void heartbeat();
  // Puts status offline with last_seen = now, keeping hostname, groups and backends (BUG-27).
  // Throws bus::NatsError.
  void deregister();

  const model::NodeInfo& info() const { return info_; }

 private:
  void store(const char* status);

  bus::KvStore& nodes_;
  model::NodeInfo info_;
};

}  // namespace grid::worker
