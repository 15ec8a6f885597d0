// The textual arguments of `gridc job run` (SPEC §11.3): the `--target` flag and the inline
// `key=value` parameters.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "grid/model/target.hpp"

namespace grid::cli {

// `all` → {all, ""}, `group:<name>` → {group, name}, `node:<id>` → {node, id}. Anything else,
// including `group:` or `node:` without a name and typos, throws grid::Error (BUG-44: Go
// silently ran such jobs on every node).
model::Target parse_target(std::string_view text);

// Splits each argument at its first `=` (the value may contain `=`); a later duplicate key
// wins. An argument without `=` or with an empty key throws grid::Error (BUG-46: Go dropped
// it silently).
std::map<std::string, std::string> parse_params(const std::vector<std::string>& args);

}  // namespace grid::cli
