#include "grid/model/controller_info.hpp"

#include "json_decode.hpp"

namespace grid::model {

OrderedJson encode(const ControllerInfo& info) {
  return OrderedJson{{"id", info.id},
                     {"hostname", info.hostname},
                     {"status", info.status},
                     {"last_seen", format_rfc3339(info.last_seen)},
                     {"started_at", format_rfc3339(info.started_at)}};
}

ControllerInfo decode_controller_info(const nlohmann::json& json) {
  json_decode::require_object(json, "");
  ControllerInfo info;
  info.id = json_decode::read_string(json, "id", "");
  info.hostname = json_decode::read_string(json, "hostname", "");
  info.status = json_decode::read_string(json, "status", "");
  info.last_seen = json_decode::read_timestamp(json, "last_seen", "");
  info.started_at = json_decode::read_timestamp(json, "started_at", "");
  return info;
}

ControllerInfo parse_controller_info(std::string_view text) {
  return decode_controller_info(parse_json(text));
}

}  // namespace grid::model
