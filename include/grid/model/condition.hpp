// Phase conditions (SPEC §3.2, §6.4): when a top-level phase runs.
#pragma once

#include <optional>
#include <string_view>

namespace grid::model {

enum class Condition { kAlways, kOnSuccess, kOnFailure };

// "" and "always" → kAlways, "on_success", "on_failure"; anything else → nullopt.
std::optional<Condition> parse_condition(std::string_view text);

}  // namespace grid::model
