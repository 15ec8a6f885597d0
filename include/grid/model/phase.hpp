// A node of a job's task tree (SPEC §3.2): a leaf (one backend action) or a branch (a per-node
// pipeline of sub-phases). Fields hold the request as sent; validate_job_request() checks them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "grid/common/duration.hpp"
#include "grid/model/json.hpp"

namespace grid::model {

// Per-attempt result timeout of a leaf without its own `timeout` (SPEC §6.10).
inline constexpr Duration kDefaultTaskTimeout = std::chrono::minutes(5);

struct Phase {
  std::string backend{};
  std::string action{};
  std::map<std::string, std::string> params{};
  std::string timeout{};         // Go duration text; "" = default
  std::int64_t max_retries = 0;  // wide so that validation can report hostile values
  std::vector<Phase> tasks{};    // sub-phases of a branch
  std::string condition{};       // "", "always", "on_success", "on_failure"

  bool operator==(const Phase&) const = default;
};

// A phase is a leaf when `backend` is non-empty and a branch when `tasks` is non-empty.
bool is_leaf(const Phase& phase);
bool is_branch(const Phase& phase);

// The phase's timeout, or kDefaultTaskTimeout when empty. Call on validated phases only:
// unparsable text also yields the default.
Duration effective_timeout(const Phase& phase);

// Keys in contract order, each omitted when empty/0 (SPEC §3.2).
OrderedJson encode(const Phase& phase);

// Strict decoding; `path` prefixes error messages (e.g. "tasks[0]"). Throws grid::Error on
// wrong types ("tasks[0].params.package: expected string") and on sub-phases nested more
// than 16 levels deep.
Phase decode_phase(const nlohmann::json& json, const std::string& path);

}  // namespace grid::model
