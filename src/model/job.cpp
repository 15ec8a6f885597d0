#include "grid/model/job.hpp"

#include <algorithm>
#include <charconv>

#include "grid/common/error.hpp"
#include "json_decode.hpp"
#include "quote.hpp"

namespace grid::model {
namespace {

OrderedJson encode_phases(const std::vector<Phase>& phases) {
  OrderedJson json = OrderedJson::array();
  for (const Phase& phase : phases) json.push_back(encode(phase));
  return json;
}

std::vector<Phase> read_phases(const nlohmann::json& json) {
  return json_decode::read_array(json, "tasks", "", decode_phase);
}

Target read_target(const nlohmann::json& json) {
  const nlohmann::json* target = json_decode::find(json, "target");
  return target == nullptr ? Target{} : decode_target(*target);
}

// Go's encoder sorts map keys as strings: "10" comes before "2".
OrderedJson encode_results(const Results& results) {
  std::vector<std::pair<std::string, const StepResults*>> steps;
  for (const auto& [index, nodes] : results) steps.emplace_back(std::to_string(index), &nodes);
  std::sort(steps.begin(), steps.end());
  // Keys come sorted and unique, so entries are appended to the ordered map's vector directly:
  // its operator[] searches linearly, which made a 10,000-node step quadratic (4.5 s).
  using Entries = std::vector<std::pair<const std::string, OrderedJson>>;
  OrderedJson json = OrderedJson::object();
  auto& step_entries = static_cast<Entries&>(json.get_ref<OrderedJson::object_t&>());
  step_entries.reserve(steps.size());
  for (const auto& [key, nodes] : steps) {
    OrderedJson step = OrderedJson::object();
    auto& node_entries = static_cast<Entries&>(step.get_ref<OrderedJson::object_t&>());
    node_entries.reserve(nodes->size());
    for (const auto& [node, result] : *nodes) node_entries.emplace_back(node, encode(result));
    step_entries.emplace_back(key, std::move(step));
  }
  return json;
}

int parse_step_key(const std::string& key, const std::string& path) {
  int index = -1;
  const char* end = key.data() + key.size();
  const auto [ptr, ec] = std::from_chars(key.data(), end, index);
  if (key.empty() || ec != std::errc() || ptr != end || index < 0) {
    json_decode::fail(path, "invalid step index " + quote(key));
  }
  return index;
}

Results read_results(const nlohmann::json& json) {
  Results results;
  const nlohmann::json* steps = json_decode::find(json, "results");
  if (steps == nullptr) return results;
  json_decode::require_object(*steps, "results");
  for (const auto& [key, nodes] : steps->items()) {
    const std::string step_path = json_decode::field_path("results", key);
    const int index = parse_step_key(key, step_path);
    json_decode::require_object(nodes, step_path);
    StepResults& step = results[index];
    for (const auto& [node, result] : nodes.items()) {
      step.emplace(node, decode_node_result(result, json_decode::field_path(step_path, node)));
    }
  }
  return results;
}

}  // namespace

Job new_pending_job(JobRequest request, std::string id, std::vector<std::string> expected,
                    Timestamp now) {
  const auto strategy = parse_strategy(request.strategy);
  if (!strategy) throw Error("invalid strategy " + quote(request.strategy));
  Job job;
  job.id = std::move(id);
  job.target = std::move(request.target);
  if (job.target.scope.empty()) job.target.scope = "all";
  job.tasks = std::move(request.tasks);
  job.strategy = *strategy;
  job.timeout = std::move(request.timeout);
  job.expected = std::move(expected);
  job.created_at = now;
  job.updated_at = now;
  return job;
}

JobRequest decode_job_request(const nlohmann::json& json) {
  json_decode::require_object(json, "");
  JobRequest request;
  request.target = read_target(json);
  request.tasks = read_phases(json);
  request.strategy = json_decode::read_string(json, "strategy", "");
  request.timeout = json_decode::read_string(json, "timeout", "");
  return request;
}

JobRequest parse_job_request(std::string_view text) {
  return decode_job_request(parse_json(text));
}

OrderedJson encode(const Job& job) {
  OrderedJson json{{"id", job.id},
                   {"target", encode(job.target)},
                   {"tasks", encode_phases(job.tasks)},
                   {"strategy", to_string(job.strategy)}};
  if (!job.timeout.empty()) json["timeout"] = job.timeout;
  json["status"] = to_string(job.status);
  json["step"] = job.step;
  json["expected"] = job.expected;
  if (!job.results.empty()) json["results"] = encode_results(job.results);
  if (!job.owner.empty()) json["owner"] = job.owner;
  json["created_at"] = format_rfc3339(job.created_at);
  json["updated_at"] = format_rfc3339(job.updated_at);
  return json;
}

Job decode_job(const nlohmann::json& json) {
  json_decode::require_object(json, "");
  Job job;
  job.id = json_decode::read_string(json, "id", "");
  job.target = read_target(json);
  job.tasks = read_phases(json);
  const std::string strategy = json_decode::read_string(json, "strategy", "");
  const auto parsed_strategy = parse_strategy(strategy);
  if (!parsed_strategy) json_decode::fail("strategy", "unknown strategy " + quote(strategy));
  job.strategy = *parsed_strategy;
  job.timeout = json_decode::read_string(json, "timeout", "");
  const std::string status = json_decode::read_string(json, "status", "");
  const auto parsed_status = parse_job_status(status);
  if (!parsed_status) json_decode::fail("status", "unknown job status " + quote(status));
  job.status = *parsed_status;
  job.step = json_decode::read_int(json, "step", "");
  job.expected =
      json_decode::read_string_list(json, "expected", "").value_or(std::vector<std::string>{});
  job.results = read_results(json);
  job.owner = json_decode::read_string(json, "owner", "");
  job.created_at = json_decode::read_timestamp(json, "created_at", "");
  job.updated_at = json_decode::read_timestamp(json, "updated_at", "");
  return job;
}

Job parse_job(std::string_view text) {
  return decode_job(parse_json(text));
}

}  // namespace grid::model
