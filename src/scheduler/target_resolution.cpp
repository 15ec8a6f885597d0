#include "grid/scheduler/target_resolution.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "grid/common/error.hpp"

namespace grid::scheduler {

bool is_online(const model::NodeInfo& node, Timestamp now) {
  return node.status == "online" && now - node.last_seen < kOnlineWindow;
}

bool matches_target(const model::NodeInfo& node, const model::Target& target) {
  if (target.scope == "all") return true;
  if (target.scope == "node") return node.id == target.value;
  if (target.scope == "group") {
    return node.groups &&
           std::find(node.groups->begin(), node.groups->end(), target.value) != node.groups->end();
  }
  return false;
}

std::vector<std::string> match_targets(const std::vector<model::NodeInfo>& nodes,
                                       const model::Target& target, Timestamp now) {
  std::vector<std::string> ids;
  for (const auto& node : nodes) {
    if (is_online(node, now) && matches_target(node, target)) ids.push_back(node.id);
  }
  return ids;
}

std::vector<model::NodeInfo> list_nodes(bus::KvStore& nodes) {
  auto entries = nodes.list();
  std::sort(entries.begin(), entries.end(),
            [](const bus::KvEntry& a, const bus::KvEntry& b) { return a.revision < b.revision; });
  std::vector<model::NodeInfo> infos;
  infos.reserve(entries.size());
  for (const auto& entry : entries) {
    try {
      infos.push_back(model::parse_node_info(entry.value));
    } catch (const Error& e) {
      spdlog::warn("ignoring undecodable node entry {}: {}", entry.key, e.what());
    }
  }
  return infos;
}

std::string no_match_error(const model::Target& target) {
  return "no online nodes match target " + target.scope + ":" + target.value;
}

}  // namespace grid::scheduler
