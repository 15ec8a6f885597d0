// Worker registry entries (SPEC §3.7): value of KV `nodes/<nodeID>`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grid/common/timestamp.hpp"
#include "grid/model/json.hpp"

namespace grid::model {

struct NodeInfo {
  std::string id{};
  std::string hostname{};
  std::optional<std::vector<std::string>> groups{};    // nullopt ↔ null, empty ↔ []
  std::optional<std::vector<std::string>> backends{};  // nullopt ↔ null
  std::string status{};                                // "online" or "offline"
  Timestamp last_seen{};

  bool operator==(const NodeInfo&) const = default;
};

// All fields always present, null lists as null.
OrderedJson encode(const NodeInfo& info);
NodeInfo decode_node_info(const nlohmann::json& json);
NodeInfo parse_node_info(std::string_view text);

}  // namespace grid::model
