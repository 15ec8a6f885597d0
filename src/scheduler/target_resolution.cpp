#include "grid/scheduler/target_resolution.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "grid/common/error.hpp"
#include "grid/common/token.hpp"

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
    if (auto info = decode_node_entry(entry)) infos.push_back(std::move(*info));
  }
  return infos;
}

std::optional<model::NodeInfo> decode_node_entry(const bus::KvEntry& entry) {
  model::NodeInfo info;
  try {
    info = model::parse_node_info(entry.value);
  } catch (const Error& e) {
    spdlog::warn("ignoring undecodable node entry {}: {}", entry.key, e.what());
    return std::nullopt;
  }
  // A worker writes its entry under its own ID (§3.7); an entry naming another (or an
  // invalid) ID would duplicate that node or target one that can never answer.
  if (info.id != entry.key || !is_valid_token(info.id)) {
    spdlog::warn("ignoring node entry {}: it names node ID \"{}\"", entry.key, info.id);
    return std::nullopt;
  }
  return info;
}

std::string no_match_error(const model::Target& target) {
  return "no online nodes match target " + target.scope + ":" + target.value;
}

}  // namespace grid::scheduler
