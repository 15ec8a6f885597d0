#include "grid/cli/views.hpp"

#include <algorithm>
#include <set>

#include "grid/cli/document.hpp"
#include "grid/cli/table.hpp"
#include "grid/common/duration.hpp"
#include "grid/model/step_index.hpp"

namespace grid::cli {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text;
}

std::string list_cell(const std::optional<std::vector<std::string>>& items) {
  if (!items || items->empty()) return "-";
  return join(*items, ",");
}

std::string target_text(const model::Target& target) {
  return target.scope + ":" + target.value;
}

bool leaf_finished(const model::Job& job, const model::StepResults& results) {
  if (job.expected.empty()) return !results.empty();
  return std::all_of(job.expected.begin(), job.expected.end(),
                     [&](const std::string& node) { return results.contains(node); });
}

struct NodeTotals {
  int success = 0;
  int failed = 0;
  int skipped = 0;
  Duration time{0};
  std::string error{};
};

}  // namespace

std::size_t finished_leaves(const model::Job& job) {
  auto leaves = model::leaf_count(job.tasks);
  std::size_t finished = 0;
  for (const auto& [step, results] : job.results) {
    if (step >= 0 && static_cast<std::size_t>(step) < leaves && leaf_finished(job, results)) {
      ++finished;
    }
  }
  return finished;
}

std::string submission_lines(const model::Job& job) {
  return "Job " + job.id + " submitted (" + std::to_string(job.tasks.size()) +
         " tasks, target=" + target_text(job.target) +
         ", strategy=" + std::string(model::to_string(job.strategy)) + ")\n" + "Expected nodes: [" +
         join(job.expected, " ") + "]\n";
}

std::string job_table(const std::vector<model::Job>& jobs) {
  if (jobs.empty()) return "No jobs found\n";
  Table table({"ID", "STATUS", "PROGRESS", "TARGET", "STRATEGY", "NODES", "CREATED"});
  for (const auto& job : jobs) {
    table.add_row(
        {job.id, std::string(model::to_string(job.status)),
         std::to_string(finished_leaves(job)) + "/" + std::to_string(model::leaf_count(job.tasks)),
         target_text(job.target), std::string(model::to_string(job.strategy)),
         std::to_string(job.expected.size()), format_rfc3339(job.created_at)});
  }
  return table.render();
}

std::string node_table(const std::vector<model::NodeInfo>& nodes) {
  if (nodes.empty()) return "No nodes registered\n";
  Table table({"ID", "STATUS", "HOSTNAME", "GROUPS", "BACKENDS", "LAST SEEN"});
  for (const auto& node : nodes) {
    table.add_row({node.id, node.status, node.hostname, list_cell(node.groups),
                   list_cell(node.backends), format_rfc3339(node.last_seen)});
  }
  return table.render();
}

std::string results_json(const model::Job& job) {
  auto encoded = model::encode(job);
  auto results = encoded.find("results");
  if (results == encoded.end()) return "null";
  return to_indented_json(*results);
}

std::string node_summary_table(const model::Job& job) {
  std::vector<std::string> order = job.expected;
  std::set<std::string> others;
  for (const auto& [step, results] : job.results) {
    for (const auto& [node, result] : results) {
      if (std::find(order.begin(), order.end(), node) == order.end()) others.insert(node);
    }
  }
  order.insert(order.end(), others.begin(), others.end());

  Table table({"NODE", "SUCCESS", "FAILED", "SKIPPED", "TIME", "ERROR"});
  for (const auto& node : order) {
    NodeTotals totals;
    for (const auto& [step, results] : job.results) {
      auto found = results.find(node);
      if (found == results.end()) continue;
      const auto& result = found->second;
      totals.time += result.duration;
      switch (result.status) {
        case model::NodeResultStatus::kSuccess:
          ++totals.success;
          break;
        case model::NodeResultStatus::kFailed:
          ++totals.failed;
          if (totals.error.empty()) totals.error = result.error;
          break;
        case model::NodeResultStatus::kSkipped:
          ++totals.skipped;
          break;
      }
    }
    table.add_row({node, std::to_string(totals.success), std::to_string(totals.failed),
                   std::to_string(totals.skipped), format_duration(totals.time), totals.error});
  }
  return table.render();
}

}  // namespace grid::cli
