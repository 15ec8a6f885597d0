// One node's result for one step (SPEC §3.4), stored in Job::results.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grid/common/duration.hpp"
#include "grid/model/json.hpp"

namespace grid::model {

enum class NodeResultStatus { kSuccess, kFailed, kSkipped };

// "success", "failed", "skipped".
std::string_view to_string(NodeResultStatus status);
std::optional<NodeResultStatus> parse_node_result_status(std::string_view text);

struct NodeResult {
  NodeResultStatus status = NodeResultStatus::kSuccess;
  std::string output{};
  std::string error{};
  Duration duration{0};  // serialised as Go duration text, e.g. "2.31s"
  int attempts = 0;      // serialised only when > 1

  bool operator==(const NodeResult&) const = default;
};

OrderedJson encode(const NodeResult& result);

// Strict decoding; `path` prefixes error messages. Unknown status or unparsable duration
// text throws grid::Error.
NodeResult decode_node_result(const nlohmann::json& json, const std::string& path);

}  // namespace grid::model
