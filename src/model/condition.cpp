#include "grid/model/condition.hpp"

namespace grid::model {

std::optional<Condition> parse_condition(std::string_view text) {
  if (text.empty() || text == "always") return Condition::kAlways;
  if (text == "on_success") return Condition::kOnSuccess;
  if (text == "on_failure") return Condition::kOnFailure;
  return std::nullopt;
}

}  // namespace grid::model
