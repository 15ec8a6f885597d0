#include "grid/model/node_info.hpp"

#include "json_decode.hpp"

namespace grid::model {
namespace {

OrderedJson encode_nullable_list(const std::optional<std::vector<std::string>>& list) {
  return list ? OrderedJson(*list) : OrderedJson(nullptr);
}

}  // namespace

OrderedJson encode(const NodeInfo& info) {
  return OrderedJson{{"id", info.id},
                     {"hostname", info.hostname},
                     {"groups", encode_nullable_list(info.groups)},
                     {"backends", encode_nullable_list(info.backends)},
                     {"status", info.status},
                     {"last_seen", format_rfc3339(info.last_seen)}};
}

NodeInfo decode_node_info(const nlohmann::json& json) {
  json_decode::require_object(json, "");
  NodeInfo info;
  info.id = json_decode::read_string(json, "id", "");
  info.hostname = json_decode::read_string(json, "hostname", "");
  info.groups = json_decode::read_string_list(json, "groups", "");
  info.backends = json_decode::read_string_list(json, "backends", "");
  info.status = json_decode::read_string(json, "status", "");
  info.last_seen = json_decode::read_timestamp(json, "last_seen", "");
  return info;
}

NodeInfo parse_node_info(std::string_view text) {
  return decode_node_info(parse_json(text));
}

}  // namespace grid::model
