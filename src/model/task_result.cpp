#include "grid/model/task_result.hpp"

#include "json_decode.hpp"

namespace grid::model {

OrderedJson encode(const TaskResult& result) {
  OrderedJson json{{"job_id", result.job_id},
                   {"task_index", result.task_index},
                   {"node_id", result.node_id},
                   {"status", result.status},
                   {"output", result.output}};
  if (!result.error.empty()) json["error"] = result.error;
  json["duration"] = result.duration.count();
  json["timestamp"] = format_rfc3339(result.timestamp);
  return json;
}

TaskResult decode_task_result(const nlohmann::json& json) {
  json_decode::require_object(json, "");
  TaskResult result;
  result.job_id = json_decode::read_string(json, "job_id", "");
  result.task_index = json_decode::read_int(json, "task_index", "");
  result.node_id = json_decode::read_string(json, "node_id", "");
  result.status = json_decode::read_string(json, "status", "");
  result.output = json_decode::read_string(json, "output", "");
  result.error = json_decode::read_string(json, "error", "");
  result.duration = Duration(json_decode::read_int64(json, "duration", ""));
  result.timestamp = json_decode::read_timestamp(json, "timestamp", "");
  return result;
}

TaskResult parse_task_result(std::string_view text) {
  return decode_task_result(parse_json(text));
}

}  // namespace grid::model
