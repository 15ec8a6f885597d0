#include "soak_audit.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "cluster.hpp"
#include "job_requests.hpp"

namespace grid::test {
namespace {

struct Dispatch {
  std::string job;
  int step = 0;
  std::string sequence;
  auto operator<=>(const Dispatch&) const = default;
};

struct Published {
  Dispatch dispatch;
  std::string status;
};

struct WorkerRecord {
  std::map<Dispatch, int> runs;  // dispatch → how many times it started
  std::vector<Published> published;
};

// Line by line: one regex over a whole log of thousands of lines is slow and deep.
WorkerRecord read_worker_log(const std::string& text) {
  static const std::regex running(R"(running job (\S+) step (\d+) \(\S+ \S+, sequence (\d+)\)$)");
  static const std::regex result(
      R"( job (\S+) step (\d+) \(\S+ \S+, sequence (\d+)\): (\w+) in \S+$)");
  WorkerRecord record;
  std::istringstream lines(text);
  std::smatch m;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, m, running)) {
      ++record.runs[{m[1], std::stoi(m[2]), m[3]}];
    } else if (std::regex_search(line, m, result)) {
      record.published.push_back({{m[1], std::stoi(m[2]), m[3]}, m[4]});
    }
  }
  return record;
}

std::map<std::string, int> recoveries(const std::string& controller_log) {
  static const std::regex recovered(R"(job (\S+): recovered)");
  std::map<std::string, int> count;
  std::istringstream lines(controller_log);
  std::smatch m;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, m, recovered)) ++count[m[1]];
  }
  return count;
}

// (job, step, node) of every dispatch the controller logged as failed to publish; node "" for
// a barrier step (all its nodes).
std::set<std::tuple<std::string, int, std::string>> unconfirmed_dispatches(
    const std::string& controller_log) {
  static const std::regex barrier(R"(job (\S+): publishing step (\d+) failed)");
  static const std::regex pipeline(R"(job (\S+): publishing pipeline step (\d+) to (\S+) failed)");
  std::set<std::tuple<std::string, int, std::string>> unconfirmed;
  std::istringstream lines(controller_log);
  std::smatch m;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, m, barrier)) {
      unconfirmed.emplace(m[1], std::stoi(m[2]), "");
    } else if (std::regex_search(line, m, pipeline)) {
      unconfirmed.emplace(m[1], std::stoi(m[2]), m[3]);
    }
  }
  return unconfirmed;
}

std::string where(const std::string& node, const Dispatch& d) {
  return "job " + d.job + " step " + std::to_string(d.step) + " on " + node + " (sequence " +
         d.sequence + ")";
}

void audit_job_states(const std::map<std::string, Json>& jobs, SoakFigures& figures) {
  for (const auto& [id, job] : jobs) {
    const std::string status = job.is_object() ? job.value("status", "") : "";
    ++figures.by_status[status.empty() ? "unknown" : status];
    if (!is_terminal(status)) {
      ++figures.lost;
      figures.problems.push_back("lost: job " + id + " is " +
                                 (status.empty() ? "unknown" : status));
      continue;
    }
    if (status != "completed") continue;
    const std::size_t steps = job.contains("tasks") ? job["tasks"].size() : 0;
    for (std::size_t step = 0; step < steps; ++step) {
      for (const auto& node : job.value("expected", std::vector<std::string>{})) {
        if (result_of(job, static_cast<int>(step), node).value("status", "") == "success") continue;
        ++figures.incomplete;
        figures.problems.push_back("incomplete: completed job " + id + " step " +
                                   std::to_string(step) + " has no success from " + node);
      }
    }
  }
}

}  // namespace

SoakFigures audit_soak(const std::map<std::string, Json>& jobs,
                       const std::map<std::string, std::string>& worker_logs,
                       const std::string& controller_log) {
  SoakFigures figures;
  figures.accepted = jobs.size();
  audit_job_states(jobs, figures);

  const auto recovered = recoveries(controller_log);
  const auto unconfirmed = unconfirmed_dispatches(controller_log);
  figures.unconfirmed_dispatches = unconfirmed.size();
  for (const auto& [id, count] : recovered) {
    if (jobs.count(id) != 0) ++figures.recovered_jobs;
  }
  const auto executions = [&](const std::string& job) {
    const auto it = recovered.find(job);
    return 1 + (it == recovered.end() ? 0 : it->second);
  };

  for (const auto& [node, text] : worker_logs) {
    const WorkerRecord record = read_worker_log(text);
    // Distinct dispatches of each (job, step) on this node.
    std::map<std::pair<std::string, int>, int> dispatches;
    for (const auto& [dispatch, runs] : record.runs) {
      if (runs > 1) {
        figures.duplicated += static_cast<std::size_t>(runs - 1);
        figures.problems.push_back("duplicated: " + where(node, dispatch) + " ran " +
                                   std::to_string(runs) + " times");
      }
      ++dispatches[{dispatch.job, dispatch.step}];
    }
    for (const auto& [key, count] : dispatches) {
      const int allowed = executions(key.first);
      figures.recovered_reruns += static_cast<std::size_t>(std::min(count, allowed) - 1);
      if (count > allowed) {
        figures.duplicated += static_cast<std::size_t>(count - allowed);
        figures.problems.push_back("duplicated: job " + key.first + " step " +
                                   std::to_string(key.second) + " ran " + std::to_string(count) +
                                   " dispatches on " + node + " in " + std::to_string(allowed) +
                                   " execution(s)");
      }
    }

    // (job, step) → the statuses this node published for it: a step can be dispatched to a
    // node twice in one execution (a publish retried after a timeout although the first one
    // was stored); the node runs one and fails the other as stale. Either answer may be the
    // one stored.
    std::map<std::pair<std::string, int>, std::vector<std::string>> answers;
    for (const auto& [dispatch, status] : record.published) {
      if (jobs.count(dispatch.job) == 0 || executions(dispatch.job) > 1) continue;
      ++figures.acknowledged_results;
      answers[{dispatch.job, dispatch.step}].push_back(status);
    }
    for (const auto& [key, statuses] : answers) {
      const Json stored = result_of(jobs.at(key.first), key.second, node);
      const std::string status = stored.value("status", "");
      if (std::find(statuses.begin(), statuses.end(), status) != statuses.end()) continue;
      if (stored.value("error", "").rfind("timeout:", 0) == 0) {
        ++figures.late_results;
        continue;
      }
      if (stored.empty() && (unconfirmed.contains({key.first, key.second, ""}) ||
                             unconfirmed.contains({key.first, key.second, node}))) {
        continue;  // the step ended at its unconfirmed dispatch
      }
      ++figures.missing_results;
      figures.problems.push_back("missing: job " + key.first + " step " +
                                 std::to_string(key.second) + " on " + node + " published " +
                                 statuses.back() + ", stored " +
                                 (stored.empty() ? "nothing" : stored.dump()));
    }
  }
  return figures;
}

}  // namespace grid::test
