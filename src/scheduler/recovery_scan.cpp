#include "grid/scheduler/recovery_scan.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/scheduler/recovery.hpp"

namespace grid::scheduler {
namespace {

using namespace std::chrono_literals;

constexpr Duration kStartDelay = 10s;
constexpr Duration kMinInterval = 15s;
// How long a scan waits for the scheduler's loop to name its jobs, and how often it checks
// for a stop meanwhile.
constexpr Duration kLocalAnswerWait = 5s;
constexpr Duration kStopPoll = 50ms;

// §5.3; a controller without an entry is dead too (nothing will ever run its jobs).
bool is_dead(const std::map<std::string, model::ControllerInfo>& controllers,
             const std::string& id, Duration stale_threshold, Timestamp now) {
  const auto it = controllers.find(id);
  if (it == controllers.end()) return true;
  return it->second.status == "offline" || now - it->second.last_seen > stale_threshold;
}

std::optional<RecoveryRule> rule_for(const ScanView& view, const model::Job& job,
                                     const std::string& self, Duration stale_threshold,
                                     Timestamp now) {
  if (view.abandoned.contains(job.id)) return std::nullopt;
  if (job.status == model::JobStatus::kRunning) {
    if (job.owner == self) {
      if (view.local && !view.local->contains(job.id)) return RecoveryRule::own_orphan;
      return std::nullopt;
    }
    if (is_dead(view.controllers, job.owner, stale_threshold, now)) {
      return RecoveryRule::dead_owner;
    }
    return std::nullopt;
  }
  if (job.status == model::JobStatus::kPending && job.owner.empty() &&
      now - job.created_at > stale_threshold && !view.queued.contains(job.id)) {
    return RecoveryRule::stale_pending;
  }
  return std::nullopt;
}

}  // namespace

RecoveryTiming spec_recovery_timing(Duration stale_threshold) {
  const Duration interval = std::max(stale_threshold / 2, kMinInterval);
  return {kStartDelay + interval, interval};
}

std::string describe(RecoveryRule rule, const model::Job& job) {
  switch (rule) {
    case RecoveryRule::dead_owner:
      return "its owner " + (job.owner.empty() ? std::string("(none)") : job.owner) +
             " is dead";
    case RecoveryRule::own_orphan:
      return "was running on this controller";
    case RecoveryRule::stale_pending:
      break;
  }
  return "pending since " + format_rfc3339(job.created_at) + " without a queued request";
}

std::vector<RecoveryPick> pick_recoverable(const ScanView& view, const std::string& self,
                                           Duration stale_threshold, Timestamp now) {
  std::vector<RecoveryPick> picks;
  for (const auto& stored : view.jobs) {
    if (auto rule = rule_for(view, stored.job, self, stale_threshold, now)) {
      picks.push_back({stored, *rule});
    }
  }
  return picks;
}

RecoveryScanner::RecoveryScanner(JobStore& store, bus::KvStore controllers, bus::JetStream& js,
                                 AbandonedJobs& abandoned, std::string self,
                                 Duration stale_threshold, LocalJobs local_jobs)
    : store_(store),
      controllers_(std::move(controllers)),
      js_(js),
      abandoned_(abandoned),
      self_(std::move(self)),
      stale_threshold_(stale_threshold),
      local_jobs_(std::move(local_jobs)) {}

RecoveryScanner::~RecoveryScanner() {
  stop();
}

void RecoveryScanner::start(RecoveryTiming timing) {
  thread_ = std::thread([this, timing] { run(timing); });
}

void RecoveryScanner::stop() {
  stop_.raise();
  if (thread_.joinable()) thread_.join();
}

void RecoveryScanner::run(RecoveryTiming timing) {
  Duration pause = timing.first;
  while (stop_.sleep_for(pause)) {
    pause = timing.interval;
    try {
      if (const auto recovered = scan(); recovered > 0) {
        spdlog::info("recovery scan: re-queued {} job(s)", recovered);
      }
    } catch (const std::exception& e) {
      spdlog::warn("recovery scan failed (next one in {}): {}", format_duration(pause),
                   e.what());
    }
  }
}

std::size_t RecoveryScanner::scan() {
  const auto began = std::chrono::steady_clock::now();
  const ScanView view = look();
  remove_abandoned(view);
  std::size_t recovered = 0;
  for (auto& pick : pick_recoverable(view, self_, stale_threshold_, view.listed_at)) {
    if (stop_.raised()) break;
    const std::string why = describe(pick.rule, pick.stored.job);
    if (requeue(store_, js_, std::move(pick.stored), why)) ++recovered;
  }
  // One line per scan, so that an operator (and the HA test) can see the scan is alive.
  spdlog::debug("recovery scan done: {} open job(s), {} controller(s), {} queued request(s), {} "
                "local job(s); {} re-queued; {} ms",
                view.jobs.size(), view.controllers.size(), view.queued.size(),
                view.local ? std::to_string(view.local->size()) : std::string("unknown"),
                recovered,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - began)
                    .count());
  return recovered;
}

void RecoveryScanner::remove_abandoned(const ScanView& view) {
  for (const auto& id : view.abandoned) {
    const auto listed = std::find_if(view.jobs.begin(), view.jobs.end(),
                                     [&](const StoredJob& stored) { return stored.job.id == id; });
    // Claimed meanwhile (its request had been stored after all) or gone: nothing to remove.
    if (listed == view.jobs.end() || listed->job.status != model::JobStatus::kPending) {
      abandoned_.remove(id);
      continue;
    }
    try {
      store_.kv().erase(id);
      abandoned_.remove(id);
      spdlog::info("job {}: removed the entry of a job refused at submission (BUG-48)", id);
    } catch (const Error& e) {
      spdlog::warn("job {}: removing the entry of a job refused at submission failed again: {}",
                   id, e.what());
    }
  }
}

// The order matters (see the header): controllers, jobs, queued requests, local jobs.
ScanView RecoveryScanner::look() {
  ScanView view;
  view.listed_at = now();
  view.abandoned = abandoned_.ids();
  view.controllers = list_controllers();
  for (auto& entry : list_open_jobs(store_)) {
    try {
      view.jobs.push_back({model::parse_job(entry.value), entry.revision});
    } catch (const Error& e) {
      spdlog::debug("recovery scan: ignoring undecodable job {}: {}", entry.key, e.what());
    }
  }
  view.queued = queued_jobs();
  view.local = ask_local_jobs();
  return view;
}

std::map<std::string, model::ControllerInfo> RecoveryScanner::list_controllers() {
  std::map<std::string, model::ControllerInfo> controllers;
  for (const auto& entry : controllers_.list()) {
    try {
      controllers.emplace(entry.key, model::parse_controller_info(entry.value));
    } catch (const Error& e) {
      spdlog::debug("recovery scan: ignoring undecodable controller {}: {}", entry.key, e.what());
    }
  }
  return controllers;
}

std::set<std::string> RecoveryScanner::queued_jobs() {
  std::set<std::string> ids;
  for (const auto& subject : js_.subjects_with_messages(std::string(bus::kRequestsStream),
                                                        std::string(bus::kRequestsStreamSubjects))) {
    if (auto job = bus::request_job(subject)) ids.insert(std::move(*job));
  }
  return ids;
}

std::optional<std::set<std::string>> RecoveryScanner::ask_local_jobs() {
  auto answer = local_jobs_();
  const auto deadline = std::chrono::steady_clock::now() + kLocalAnswerWait;
  while (answer.wait_for(kStopPoll) != std::future_status::ready) {
    if (stop_.raised() || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
  }
  try {
    return answer.get();
  } catch (const std::future_error&) {  // the scheduler stopped before answering
    return std::nullopt;
  }
}

}  // namespace grid::scheduler
