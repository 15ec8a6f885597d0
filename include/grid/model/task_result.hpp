// Task results, worker → controller (SPEC §3.6), published to
// result.<jobID>.<taskIndex>.<nodeID>.
#pragma once

#include <string>
#include <string_view>

#include "grid/common/duration.hpp"
#include "grid/common/timestamp.hpp"
#include "grid/model/json.hpp"

namespace grid::model {

struct TaskResult {
  std::string job_id{};
  int task_index = 0;
  std::string node_id{};
  std::string status{};  // "success" or "failed"; the scheduler treats anything else as success
  std::string output{};  // always serialised
  std::string error{};
  Duration duration{0};  // serialised as integer nanoseconds
  Timestamp timestamp{};

  bool failed() const { return status == "failed"; }
  bool operator==(const TaskResult&) const = default;
};

OrderedJson encode(const TaskResult& result);
TaskResult decode_task_result(const nlohmann::json& json);
// parse_json + decode_task_result.
TaskResult parse_task_result(std::string_view text);

}  // namespace grid::model
