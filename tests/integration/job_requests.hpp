// Small builders of POST /job bodies (SPEC §10.3) and readers of the stored job's `results`
// (SPEC §6.13) for the multi-process tests.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace grid::test {

using Json = nlohmann::json;

// A leaf phase; `extra` adds keys such as timeout, max_retries, condition.
inline Json leaf(const std::string& backend, const std::string& action,
                 const std::map<std::string, std::string>& params = {}, Json extra = {}) {
  Json phase = extra.is_object() ? std::move(extra) : Json::object();
  phase["backend"] = backend;
  phase["action"] = action;
  if (!params.empty()) phase["params"] = params;
  return phase;
}

// A pipeline phase (branch) of leaves, with an optional condition.
inline Json pipeline(std::vector<Json> leaves, const std::string& condition = "") {
  Json phase = {{"tasks", std::move(leaves)}};
  if (!condition.empty()) phase["condition"] = condition;
  return phase;
}

inline Json with_condition(Json phase, const std::string& condition) {
  phase["condition"] = condition;
  return phase;
}

inline Json job_request(std::vector<Json> tasks, const std::string& strategy = "",
                        Json target = {{"scope", "all"}, {"value", ""}}) {
  Json request = {{"target", std::move(target)}, {"tasks", std::move(tasks)}};
  if (!strategy.empty()) request["strategy"] = strategy;
  return request;
}

inline Json node_target(const std::string& node) {
  return {{"scope", "node"}, {"value", node}};
}

// node → status of results["<step>"]; empty when the step has no entry.
inline std::map<std::string, std::string> statuses(const Json& job, int step) {
  std::map<std::string, std::string> out;
  const auto key = std::to_string(step);
  if (!job.contains("results") || !job["results"].contains(key)) return out;
  for (const auto& [node, result] : job["results"][key].items()) {
    out[node] = result.value("status", "");
  }
  return out;
}

inline std::map<std::string, std::string> all3(const std::string& status) {
  return {{"n1", status}, {"n2", status}, {"n3", status}};
}

// results["<step>"][node], or an empty object.
inline Json result_of(const Json& job, int step, const std::string& node) {
  const auto key = std::to_string(step);
  if (!job.contains("results") || !job["results"].contains(key) ||
      !job["results"][key].contains(node)) {
    return Json::object();
  }
  return job["results"][key][node];
}

inline std::size_t step_count(const Json& job) {
  return job.contains("results") ? job["results"].size() : 0;
}

}  // namespace grid::test
