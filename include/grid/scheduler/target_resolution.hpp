// Node registry reads and target resolution (SPEC §7): which online nodes a job runs on.
// Resolution happens only at admission (§6.1); nodes going offline later stay expected.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grid/bus/kv.hpp"
#include "grid/common/timestamp.hpp"
#include "grid/model/node_info.hpp"
#include "grid/model/target.hpp"

namespace grid::scheduler {

// A node is online iff its status is exactly "online" and now − last_seen < 2 min (strict).
inline constexpr Duration kOnlineWindow = std::chrono::minutes(2);

bool is_online(const model::NodeInfo& node, Timestamp now);

// Whether `node` belongs to `target` (all / group membership / node ID; any other scope
// matches nothing), whatever its status.
bool matches_target(const model::NodeInfo& node, const model::Target& target);

// The IDs of the online nodes matching `target`, in the order of `nodes`. Pure.
std::vector<std::string> match_targets(const std::vector<model::NodeInfo>& nodes,
                                       const model::Target& target, Timestamp now);

// Every entry of KV `nodes` in ascending order of its last update (Go's listing order);
// undecodable entries and entries whose `id` is not a valid token or not their key are
// skipped with a warning. Throws bus::NatsError. Thread-safe.
std::vector<model::NodeInfo> list_nodes(bus::KvStore& nodes);

// One entry of KV `nodes` decoded under the rules of list_nodes(); nullopt (with a warning)
// for an entry to skip.
std::optional<model::NodeInfo> decode_node_entry(const bus::KvEntry& entry);

// "no online nodes match target <scope>:<value>"
std::string no_match_error(const model::Target& target);

}  // namespace grid::scheduler
