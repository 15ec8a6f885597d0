#include "grid/model/strategy.hpp"

namespace grid::model {

std::optional<Strategy> parse_strategy(std::string_view text) {
  if (text.empty() || text == "fail-fast") return Strategy::kFailFast;
  if (text == "continue") return Strategy::kContinue;
  return std::nullopt;
}

std::string_view to_string(Strategy strategy) {
  return strategy == Strategy::kContinue ? "continue" : "fail-fast";
}

}  // namespace grid::model
