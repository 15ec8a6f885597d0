// Two controllers sharing one nats-server (SPEC §5.3, §6.15) with real processes: a
// nats-server owned by the test, `grid -d` twice in sidecar mode (ctrl-a, ctrl-b) with a 2 s
// stale threshold, and two `gridw -d` workers.
//
// One cluster hosts both scenarios, in this order, so that the test waits for the recovery
// scan's first period (10 s + 15 s after start) only once:
//   1. live peers (BUG-11): while both controllers own a running job, and queued jobs are
//      older than the stale threshold, each controller's first scan re-queues nothing; every
//      job then runs once per node and keeps its owner;
//   2. a dead owner (rule A): the owner of a job in the middle of its first step is killed
//      with SIGKILL; the survivor's scan recovers the job, runs it again from step 0 and
//      completes it as its new owner.
//
// Scans are observed through the controllers' debug line "recovery scan done: …";
// executions through the workers' debug line "running job <id> step <n> (…)".
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "cluster.hpp"
#include "grid/common/error.hpp"
#include "job_requests.hpp"
#include "test_env.hpp"

namespace grid::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartDeadline = 30s;
// The first scan runs 10 s + max(stale_threshold / 2, 15 s) = 25 s after a controller's
// scheduler started; a loaded machine (or ASan) adds start-up and scan time.
constexpr auto kFirstScanDeadline = 60s;
constexpr auto kScanInterval = 15s;
// Longer than the first scan period, so that both long jobs are running during the first
// scan of both controllers (they are submitted after both controllers started).
constexpr auto kLongStep = "28s";
constexpr auto kRecoveredStep = "5s";
// In the line a controller logs for each job it re-queues (recovery.cpp).
constexpr auto kRecovered = ": recovered (";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int count_of(const std::string& text, const std::string& needle) {
  int count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Two controllers and workers over the test's own nats-server. Owned by one test thread.
class HaCluster {
 public:
  HaCluster() : dir_(make_temp_dir("grid-ha")) {}

  ~HaCluster() {
    for (auto& [name, process] : workers_) process->signal(SIGTERM);
    for (auto& [name, process] : workers_) process->wait_exit(kStartDeadline);
    for (auto& [name, process] : controllers_) process->signal(SIGTERM);
    for (auto& [name, process] : controllers_) process->wait_exit(kStartDeadline);
    if (std::getenv("GRID_KEEP_CLUSTER") != nullptr) return;  // logs for post-mortems
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  HaCluster(const HaCluster&) = delete;
  HaCluster& operator=(const HaCluster&) = delete;

  // Starts `grid -d` in sidecar mode and waits until its API answers.
  void start_controller(const std::string& name) {
    const auto config = dir_ / (name + ".yaml");
    std::ofstream(config) << "nats:\n  name: " << name << "\n  server: {managed: false}\n"
                          << "  client: {urls: [\"" << nats_.client_url() << "\"]}\n"
                          << "api: {host: 127.0.0.1, port: 0}\n"
                          << "controller: {stale_threshold: 2s, heartbeat_interval: 1s}\n"
                          // One job at a time: a busy controller pulls no request, so
                          // the next job goes to its peer.
                          << "scheduler: {max_concurrent: 1}\n";
    auto process = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("grid").string(), "-d", "-c", config.string()},
        log_of(name));
    api_[name] = "http://127.0.0.1:" +
                 process->wait_for_output(std::regex(R"(API listening on http://\S+:(\d+))"),
                                          kStartDeadline);
    controllers_[name] = std::move(process);
  }

  // Starts `gridw -d` and waits until it is ready and `via` reports it online.
  void add_worker(const std::string& name, const std::string& via) {
    const auto config = dir_ / (name + ".yaml");
    std::ofstream(config) << "nats:\n  name: " << name << "\n  client: {urls: [\""
                          << nats_.client_url() << "\"]}\n"
                          << "worker:\n  heartbeat_interval: 1s\n  groups: []\n";
    auto process = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("gridw").string(), "-d", "-c", config.string()},
        log_of(name));
    process->wait_for_output(std::regex("(worker " + name + " ready)"), kStartDeadline);
    const bool online = wait_for(
        [&] {
          const auto node = get(via, "/node/" + name);
          return node.status == 200 && node.body.is_object() &&
                 node.body.value("status", "") == "online";
        },
        kStartDeadline);
    if (!online) throw Error("worker " + name + " did not come online:\n" + process->output());
    workers_[name] = std::move(process);
  }

  // SIGKILL: no shutdown, the controller's entry stays `online` and stops being refreshed.
  void kill_controller(const std::string& name) {
    auto& process = *controllers_.at(name);
    process.signal(SIGKILL);
    if (process.wait_exit(kStartDeadline) != 128 + SIGKILL) throw Error(name + " survived");
  }

  HttpReply get(const std::string& controller, const std::string& path) const {
    return http_get(api_.at(controller), path);
  }

  std::string submit(const std::string& controller, const Json& request) const {
    const auto reply = http_post(api_.at(controller), "/job", request);
    if (reply.status != 202 || !reply.body.is_object() || !reply.body.contains("id")) {
      throw Error("POST /job answered " + std::to_string(reply.status) + ": " + reply.body.dump() +
                  " for " + request.dump());
    }
    return reply.body["id"].get<std::string>();
  }

  Json job(const std::string& controller, const std::string& id) const {
    const auto reply = get(controller, "/job/" + id);
    return reply.status == 200 ? reply.body : Json::object();
  }

  // Waits until the job is `running` with an owner; returns the job (or the last one seen).
  Json wait_running(const std::string& controller, const std::string& id) const {
    Json seen;
    wait_for(
        [&] {
          seen = job(controller, id);
          return seen.value("status", "") == "running" && !seen.value("owner", "").empty();
        },
        kStartDeadline);
    return seen;
  }

  // Long-polls until the job is terminal or `deadline` passes; returns the last job seen.
  Json wait_terminal(const std::string& controller, const std::string& id,
                     std::chrono::milliseconds deadline) const {
    Json seen;
    wait_for(
        [&] {
          const auto reply = get(controller, "/job/" + id + "?wait=3s");
          if (reply.status != 200 || !reply.body.is_object()) return false;
          seen = reply.body;
          return is_terminal(seen.value("status", ""));
        },
        deadline);
    return seen;
  }

  // Waits until the controller has finished `scans` recovery scans.
  bool wait_scans(const std::string& controller, int scans,
                  std::chrono::milliseconds deadline) const {
    return wait_for([&] { return count_of(log(controller), "recovery scan done:") >= scans; },
                    deadline);
  }

  std::string log(const std::string& process) const { return read_text(log_of(process)); }

  int runs(const std::string& worker, const std::string& job, int step) const {
    return count_runs(log(worker), job, step);
  }

  // Every log, for failure messages.
  std::string all_logs() const {
    std::string text;
    for (const auto& [name, process] : controllers_) text += "--- " + name + "\n" + log(name);
    for (const auto& [name, process] : workers_) text += "--- " + name + "\n" + log(name);
    return text;
  }

 private:
  std::filesystem::path log_of(const std::string& process) const {
    return dir_ / (process + ".log");
  }

  TestEnv nats_;  // first: outlives every process
  std::filesystem::path dir_;
  std::map<std::string, std::unique_ptr<ChildProcess>> controllers_;
  std::map<std::string, std::unique_ptr<ChildProcess>> workers_;
  std::map<std::string, std::string> api_;  // controller → API URL
};

Json two_steps(const std::string& sleep, Json target = {{"scope", "all"}, {"value", ""}}) {
  return job_request(
      {leaf("test", "sleep", {{"duration", sleep}}, {{"timeout", "60s"}}), leaf("test", "succeed")},
      "", std::move(target));
}

const std::map<std::string, std::string> kBothSucceeded{{"n1", "success"}, {"n2", "success"}};

TEST(HaTest, LivePeersKeepTheirJobsAndTheSurvivorRerunsTheJobOfAKilledOwner) {
  HaCluster cluster;
  cluster.start_controller("ctrl-a");
  cluster.start_controller("ctrl-b");
  cluster.add_worker("n1", "ctrl-a");
  cluster.add_worker("n2", "ctrl-a");

  // --- 1. Live peers: one long job per controller, four short jobs queued behind them.
  const auto long1 = cluster.submit("ctrl-a", two_steps(kLongStep, node_target("n1")));
  const auto first_owner = cluster.wait_running("ctrl-a", long1).value("owner", "");
  ASSERT_FALSE(first_owner.empty()) << cluster.all_logs();
  const auto long2 = cluster.submit("ctrl-b", two_steps(kLongStep, node_target("n2")));
  const auto second_owner = cluster.wait_running("ctrl-b", long2).value("owner", "");
  ASSERT_FALSE(second_owner.empty()) << cluster.all_logs();
  // max_concurrent 1: the busy owner of the first job did not pull the second one.
  ASSERT_NE(first_owner, second_owner) << cluster.all_logs();
  std::vector<std::string> short_jobs;
  for (int i = 0; i < 4; ++i) {
    short_jobs.push_back(cluster.submit(i % 2 ? "ctrl-b" : "ctrl-a", two_steps("200ms")));
  }

  for (const std::string controller : {"ctrl-a", "ctrl-b"}) {
    ASSERT_TRUE(cluster.wait_scans(controller, 1, kFirstScanDeadline))
        << controller << " never finished a recovery scan\n"
        << cluster.all_logs();
  }
  // Both scans ran while both long jobs were running (each owned by a live peer of one of
  // the scanners) and the short jobs were pending longer than the stale threshold with their
  // requests queued (BUG-9): nothing was taken.
  EXPECT_EQ(cluster.job("ctrl-a", long1).value("status", ""), "running")
      << "the long job ended before the scans: they prove nothing\n"
      << cluster.all_logs();
  EXPECT_EQ(cluster.job("ctrl-a", long2).value("status", ""), "running")
      << "the long job ended before the scans: they prove nothing\n"
      << cluster.all_logs();
  for (const std::string controller : {"ctrl-a", "ctrl-b"}) {
    EXPECT_EQ(count_of(cluster.log(controller), kRecovered), 0)
        << controller << " recovered a job of a live peer:\n"
        << cluster.log(controller);
    EXPECT_EQ(count_of(cluster.log(controller), "is dead"), 0)
        << controller << " took a live peer for dead:\n"
        << cluster.log(controller);
  }

  std::vector<std::string> all_jobs{long1, long2};
  all_jobs.insert(all_jobs.end(), short_jobs.begin(), short_jobs.end());
  for (const auto& id : all_jobs) {
    const auto job = cluster.wait_terminal("ctrl-b", id, 60s);
    EXPECT_EQ(job.value("status", ""), "completed") << job.dump() << "\n" << cluster.all_logs();
  }
  EXPECT_EQ(cluster.job("ctrl-b", long1).value("owner", ""), first_owner);
  EXPECT_EQ(cluster.job("ctrl-a", long2).value("owner", ""), second_owner);
  EXPECT_EQ(cluster.runs("n1", long1, 0), 1);
  EXPECT_EQ(cluster.runs("n1", long1, 1), 1);
  EXPECT_EQ(cluster.runs("n2", long2, 0), 1);
  EXPECT_EQ(cluster.runs("n2", long2, 1), 1);
  EXPECT_EQ(cluster.runs("n2", long1, 0) + cluster.runs("n1", long2, 0), 0);
  for (const auto& id : short_jobs) {
    for (const std::string node : {"n1", "n2"}) {
      EXPECT_EQ(cluster.runs(node, id, 0), 1) << id << " on " << node;
      EXPECT_EQ(cluster.runs(node, id, 1), 1) << id << " on " << node;
    }
  }
  for (const std::string controller : {"ctrl-a", "ctrl-b"}) {
    EXPECT_EQ(count_of(cluster.log(controller), kRecovered), 0) << cluster.log(controller);
  }

  // --- 2. A dead owner: kill -9 the owner of a job in the middle of its first step.
  const auto orphan = cluster.submit("ctrl-a", two_steps(kRecoveredStep));
  const auto dead = cluster.wait_running("ctrl-a", orphan).value("owner", "");
  ASSERT_TRUE(dead == "ctrl-a" || dead == "ctrl-b") << cluster.all_logs();
  const std::string survivor = dead == "ctrl-a" ? "ctrl-b" : "ctrl-a";
  ASSERT_TRUE(wait_for(
      [&] { return cluster.runs("n1", orphan, 0) == 1 && cluster.runs("n2", orphan, 0) == 1; },
      kStartDeadline))
      << cluster.all_logs();
  cluster.kill_controller(dead);
  // The step was still running: nothing of step 1 was dispatched before the kill.
  ASSERT_EQ(cluster.runs("n1", orphan, 1) + cluster.runs("n2", orphan, 1), 0)
      << "step 0 ended before the kill\n"
      << cluster.all_logs();

  // The survivor's next scan finds the owner dead (its last_seen is more than 2 s old), or
  // the one after; then the job runs again in full.
  const auto job = cluster.wait_terminal(survivor, orphan, 2 * kScanInterval + 30s);
  EXPECT_EQ(job.value("status", ""), "completed") << job.dump() << "\n" << cluster.all_logs();
  EXPECT_EQ(job.value("owner", ""), survivor) << job.dump();
  EXPECT_EQ(statuses(job, 0), kBothSucceeded) << job.dump();
  EXPECT_EQ(statuses(job, 1), kBothSucceeded) << job.dump();
  EXPECT_EQ(result_of(job, 0, "n1").value("output", ""), "slept 5s") << job.dump();

  const auto survivor_log = cluster.log(survivor);
  EXPECT_NE(survivor_log.find("job " + orphan + ": recovered (its owner " + dead +
                              " is dead), queued again"),
            std::string::npos)
      << survivor_log;
  EXPECT_EQ(count_of(survivor_log, kRecovered), 1) << "only the orphan:\n" << survivor_log;
  EXPECT_EQ(count_of(cluster.log(dead), kRecovered), 0) << cluster.log(dead);
  for (const std::string node : {"n1", "n2"}) {
    // Recovery re-runs the job from step 0 (§6.15): once for the dead owner, once again.
    EXPECT_EQ(cluster.runs(node, orphan, 0), 2) << cluster.log(node);
    EXPECT_EQ(cluster.runs(node, orphan, 1), 1) << cluster.log(node);
  }
}

}  // namespace
}  // namespace grid::test
