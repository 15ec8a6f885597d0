// Job target (SPEC §3.1): which nodes a job runs on.
#pragma once

#include <string>

#include "grid/model/json.hpp"

namespace grid::model {

struct Target {
  std::string scope{};  // "all", "group" or "node"; "" (request only) means "all"
  std::string value{};  // group name or node ID; ignored for "all" but kept as sent

  bool operator==(const Target&) const = default;
};

// {"scope":...,"value":...}; both keys always present.
OrderedJson encode(const Target& target);

// Strict decoding (SPEC §2.4): missing or null keys are empty, unknown keys are ignored, a
// non-string value throws grid::Error naming the path (e.g. "target.scope: expected string").
Target decode_target(const nlohmann::json& json);

}  // namespace grid::model
