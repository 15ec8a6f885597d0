#include "grid/model/phase.hpp"

#include "json_decode.hpp"

namespace grid::model {
namespace {

// Far beyond the two levels validation allows; bounds recursion on hostile input.
constexpr int kMaxDecodeDepth = 16;

Phase decode_phase_at(const nlohmann::json& json, const std::string& path, int depth) {
  json_decode::require_object(json, path);
  if (depth > kMaxDecodeDepth) json_decode::fail(path, "phases nested too deeply");
  Phase phase;
  phase.backend = json_decode::read_string(json, "backend", path);
  phase.action = json_decode::read_string(json, "action", path);
  phase.params = json_decode::read_string_map(json, "params", path);
  phase.timeout = json_decode::read_string(json, "timeout", path);
  phase.max_retries = json_decode::read_int64(json, "max_retries", path);
  phase.tasks = json_decode::read_array(
      json, "tasks", path, [depth](const nlohmann::json& item, const std::string& item_path) {
        return decode_phase_at(item, item_path, depth + 1);
      });
  phase.condition = json_decode::read_string(json, "condition", path);
  return phase;
}

}  // namespace

bool is_leaf(const Phase& phase) {
  return !phase.backend.empty();
}

bool is_branch(const Phase& phase) {
  return !phase.tasks.empty();
}

Duration effective_timeout(const Phase& phase) {
  if (phase.timeout.empty()) return kDefaultTaskTimeout;
  return parse_duration(phase.timeout).value_or(kDefaultTaskTimeout);
}

OrderedJson encode(const Phase& phase) {
  OrderedJson json = OrderedJson::object();
  if (!phase.backend.empty()) json["backend"] = phase.backend;
  if (!phase.action.empty()) json["action"] = phase.action;
  if (!phase.params.empty()) json["params"] = phase.params;
  if (!phase.timeout.empty()) json["timeout"] = phase.timeout;
  if (phase.max_retries != 0) json["max_retries"] = phase.max_retries;
  if (!phase.tasks.empty()) {
    OrderedJson tasks = OrderedJson::array();
    for (const Phase& task : phase.tasks) tasks.push_back(encode(task));
    json["tasks"] = std::move(tasks);
  }
  if (!phase.condition.empty()) json["condition"] = phase.condition;
  return json;
}

Phase decode_phase(const nlohmann::json& json, const std::string& path) {
  return decode_phase_at(json, path, 0);
}

}  // namespace grid::model
