#include "grid/model/target.hpp"

#include "json_decode.hpp"

namespace grid::model {

OrderedJson encode(const Target& target) {
  return OrderedJson{{"scope", target.scope}, {"value", target.value}};
}

Target decode_target(const nlohmann::json& json) {
  const std::string path = "target";
  json_decode::require_object(json, path);
  return Target{json_decode::read_string(json, "scope", path),
                json_decode::read_string(json, "value", path)};
}

}  // namespace grid::model
