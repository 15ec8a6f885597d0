// Failure strategies (SPEC §3.3, §6.8).
#pragma once

#include <optional>
#include <string_view>

namespace grid::model {

enum class Strategy { kFailFast, kContinue };

// "" and "fail-fast" → kFailFast, "continue" → kContinue; anything else → nullopt.
std::optional<Strategy> parse_strategy(std::string_view text);

// "fail-fast" or "continue".
std::string_view to_string(Strategy strategy);

}  // namespace grid::model
