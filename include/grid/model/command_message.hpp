// Command messages, controller → worker (SPEC §3.5). The subject
// (cmd.<scope>[.<value>].<backend>.<action>) is built by the bus layer from `target`,
// `backend` and `action`; this type owns the headers and the body.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grid/common/duration.hpp"
#include "grid/model/target.hpp"

namespace grid::model {

inline constexpr std::string_view kHeaderJobId = "job-id";
inline constexpr std::string_view kHeaderTaskIndex = "task-index";
inline constexpr std::string_view kHeaderBackend = "backend";
inline constexpr std::string_view kHeaderAction = "action";
inline constexpr std::string_view kHeaderTimeout = "timeout";

struct CommandMessage {
  Target target{};  // subject scope/value: the job's target, or {"node", id} for node commands
  std::string job_id{};
  int task_index = 0;
  std::string backend{};
  std::string action{};
  std::optional<Duration> timeout{};  // effective task timeout, sent as e.g. "5m0s"
  std::map<std::string, std::string> params{};

  bool operator==(const CommandMessage&) const = default;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// job-id, task-index (decimal), backend, action and, when set, timeout; in that order.
Headers command_headers(const CommandMessage& command);

// The params as a JSON object, or the literal "null" when there are none.
std::string command_body(const CommandMessage& command);

// Worker side: rebuilds a command from received headers (exact, case-sensitive names) and
// body. Missing headers are empty; an unparsable task-index is 0 and an unparsable timeout
// is absent (§3.6, §3.5). `target` is left empty (it is in the subject). Throws grid::Error
// when the body is neither null/empty nor a JSON object of strings.
CommandMessage decode_command(const std::map<std::string, std::string>& headers,
                              std::string_view body);

}  // namespace grid::model
