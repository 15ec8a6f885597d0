#include "grid/model/node_result.hpp"

#include "json_decode.hpp"
#include "quote.hpp"

namespace grid::model {

std::string_view to_string(NodeResultStatus status) {
  switch (status) {
    case NodeResultStatus::kSuccess:
      return "success";
    case NodeResultStatus::kFailed:
      return "failed";
    case NodeResultStatus::kSkipped:
      return "skipped";
  }
  return "unknown";
}

std::optional<NodeResultStatus> parse_node_result_status(std::string_view text) {
  for (const NodeResultStatus status :
       {NodeResultStatus::kSuccess, NodeResultStatus::kFailed, NodeResultStatus::kSkipped}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

OrderedJson encode(const NodeResult& result) {
  OrderedJson json{{"status", to_string(result.status)}};
  if (!result.output.empty()) json["output"] = result.output;
  if (!result.error.empty()) json["error"] = result.error;
  json["duration"] = format_duration(result.duration);
  if (result.attempts > 1) json["attempts"] = result.attempts;
  return json;
}

NodeResult decode_node_result(const nlohmann::json& json, const std::string& path) {
  json_decode::require_object(json, path);
  NodeResult result;
  const std::string status = json_decode::read_string(json, "status", path);
  const auto parsed_status = parse_node_result_status(status);
  if (!parsed_status) {
    json_decode::fail(json_decode::field_path(path, "status"),
                      "unknown result status " + quote(status));
  }
  result.status = *parsed_status;
  result.output = json_decode::read_string(json, "output", path);
  result.error = json_decode::read_string(json, "error", path);
  const std::string duration = json_decode::read_string(json, "duration", path);
  if (!duration.empty()) {
    const auto parsed = parse_duration(duration);
    if (!parsed) {
      json_decode::fail(json_decode::field_path(path, "duration"),
                        "invalid duration " + quote(duration));
    }
    result.duration = *parsed;
  }
  result.attempts = json_decode::read_int(json, "attempts", path);
  return result;
}

}  // namespace grid::model
