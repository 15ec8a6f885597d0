// Controller registry entries (SPEC §3.8): value of KV `controllers/<controllerID>`.
#pragma once

#include <string>
#include <string_view>

#include "grid/common/timestamp.hpp"
#include "grid/model/json.hpp"

namespace grid::model {

struct ControllerInfo {
  std::string id{};
  std::string hostname{};
  std::string status{};  // "online" or "offline"
  Timestamp last_seen{};
  Timestamp started_at{};

  bool operator==(const ControllerInfo&) const = default;
};

// All fields always present.
OrderedJson encode(const ControllerInfo& info);
ControllerInfo decode_controller_info(const nlohmann::json& json);
ControllerInfo parse_controller_info(std::string_view text);

}  // namespace grid::model
