// The JetStream store filling up, with the real grid and its managed nats-server on a small
// tmpfs (needs root to mount; skipped otherwise).
//
// What nats-server 2.9.10 does: once a write of its file store fails with ENOSPC its
// JetStream stops answering (JetStream calls and GET /jsz hang; pings, /healthz and /varz
// still answer), and it does not stop on SIGTERM; restarted on the full directory it runs with
// a JetStream limit of the few bytes free. GRID's part: the API keeps answering, with a 500
// that names the full store after the JetStream timeout (5 s), the controller does not crash,
// its watchdog kills the wedged server and restarts it once there is space, no accepted job is
// lost or left half-written then, and a controller started on a full store exits 1 saying so.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <sstream>

#include "cluster.hpp"
#include "job_requests.hpp"
#include "test_env.hpp"
#include "tmpfs_mount.hpp"

namespace grid::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kDeadline = 30s;
// The controller's watchdog (natsd::WatchdogOptions defaults) kills a server after 3 failed
// GET /jsz probes with a 5 s timeout, 10 s apart: at most 10 + 3 × 5 + 2 × 10 = 45 s after the
// wedge. Doubled for a loaded machine.
constexpr auto kWatchdogDeadline = 90s;
// A restart refused on the full store is tried again after 1 s, doubling up to 30 s; then the
// server starts and the controller reconnects (2 s reconnect wait).
constexpr auto kRestartDeadline = 60s;
// After the restart: two recovery scan periods (15 s each) and the job's run.
constexpr auto kEndDeadline = 45s;

// POST /job with a 30 s bound: a submission can wait for two JetStream timeouts (5 s each)
// on a wedged server; no answer within 30 s is a hang. Status 0 when there is no answer.
HttpReply post_job(const Cluster& cluster, const Json& body) {
  httplib::Client client(cluster.api_url());
  client.set_read_timeout(30s);
  HttpReply reply;
  if (auto res = client.Post("/job", body.dump(), "application/json")) {
    reply.status = res->status;
    reply.body = Json::parse(res->body, nullptr, false);
  }
  return reply;
}

// The lines of `log` that mention `id`.
std::string lines_about(const std::string& log, const std::string& id) {
  std::istringstream in(log);
  std::string found;
  for (std::string line; std::getline(in, line);) {
    if (line.find(id) != std::string::npos) found += line.substr(0, 300) + "\n";
  }
  return found;
}

// ~200 KB of parameters: a few dozen jobs fill the 8 MiB store (job, request and commands).
Json bulky_job() {
  return job_request({leaf("test", "succeed", {{"padding", std::string(200 * 1024, 'x')}})});
}

TEST(DiskFullTest, FullStoreGivesClearErrorsAndLosesNoAcceptedJob) {
  TmpfsMount tmpfs("8m");
  if (!tmpfs.mounted()) GTEST_SKIP() << tmpfs.why();
  std::vector<std::string> accepted;
  HttpReply refused;
  {
    // A 10 s stale threshold: recovery scans every 15 s (§6.15), the first 25 s after start.
    Cluster cluster("controller: {stale_threshold: 10s}\n", tmpfs.dir());
    cluster.add_worker({"n1", {}});
    for (int i = 0; i < 100 && refused.status == 0; ++i) {
      const auto reply = post_job(cluster, bulky_job());
      ASSERT_NE(reply.status, 0) << "no answer within 30 s after " << accepted.size() << " jobs";
      if (reply.status == 202) {
        accepted.push_back(reply.body["id"].get<std::string>());
      } else {
        refused = reply;
      }
    }
    ASSERT_GE(refused.status, 500) << "the store never filled up: " << accepted.size() << " jobs";
    const std::string error = refused.body.value("error", "");
    EXPECT_NE(error.find("JetStream store " + tmpfs.dir().string() + " is full"), std::string::npos)
        << refused.body.dump();
    // Later submissions get the same kind of answer, not a hang; the controller lives on.
    const auto again = post_job(cluster, job_request({leaf("test", "succeed")}));
    EXPECT_GE(again.status, 500) << again.body.dump();
    EXPECT_NE(again.body.value("error", "").find("is full"), std::string::npos)
        << again.body.dump();
    EXPECT_FALSE(cluster.controller().wait_exit(0ms).has_value()) << cluster.controller_log();

    // The wedged server does not recover by itself: the controller's watchdog kills it, and
    // does not restart it while the store is still full.
    const auto logged = [&](const std::string& text) {
      return cluster.controller_log().find(text) != std::string::npos;
    };
    ASSERT_TRUE(
        wait_for([&] { return logged("; killing it (SIGKILL) to restart it"); }, kWatchdogDeadline))
        << cluster.controller_log();
    ASSERT_TRUE(wait_for([&] { return logged("nats-server not restarted yet: JetStream store"); },
                         kDeadline))
        << cluster.controller_log();

    // Room again: the controller restarts the server on the same store, and every job the
    // store holds ends. The wedged server may have lost the request of an accepted job (the
    // recovery scan's rule B queues it again), and a job refused with 500 whose entry could
    // not be deleted then is deleted by the scan (BUG-48) — or, when its request had reached
    // the store despite the timeout and was claimed first, ends like any other.
    ASSERT_TRUE(tmpfs.resize("64m")) << tmpfs.why();
    HttpReply jobs;
    ASSERT_TRUE(wait_for(
        [&] {
          jobs = cluster.get("/jobs");
          return jobs.status == 200;
        },
        kRestartDeadline))
        << jobs.body.dump() << cluster.controller_log();
    std::vector<std::string> stored;
    for (const auto& job : jobs.body) stored.push_back(job.value("id", ""));
    for (const auto& id : accepted) {
      EXPECT_NE(std::find(stored.begin(), stored.end(), id), stored.end()) << "lost " << id;
    }
    for (const auto& id : stored) {
      const bool was_accepted = std::find(accepted.begin(), accepted.end(), id) != accepted.end();
      HttpReply job;
      const bool ended = wait_for(
          [&] {
            job = cluster.get("/job/" + id);
            if (job.status == 404) return !was_accepted;
            return job.status == 200 && is_terminal(job.body.value("status", ""));
          },
          kEndDeadline);
      EXPECT_TRUE(ended) << (was_accepted ? "accepted " : "refused ") << job.status << " "
                         << job.body.dump().substr(0, 400) << "\n"
                         << lines_about(cluster.controller_log(), id);
    }
  }
}

TEST(DiskFullTest, ControllerOnAFullStoreExitsWithOne) {
  TmpfsMount tmpfs("2m");
  if (!tmpfs.mounted()) GTEST_SKIP() << tmpfs.why();
  tmpfs.fill();
  const auto dir = make_temp_dir("grid-full");
  const auto config = dir / "grid.yaml";
  std::ofstream(config) << "nats:\n  name: ctrl-full\n  server: {host: 127.0.0.1, port: -1}\n"
                        << "  jetstream: {store: " << (tmpfs.dir() / "store").string() << "}\n"
                        << "api: {host: 127.0.0.1, port: 0}\n";
  ChildProcess grid({binary("grid").string(), "-c", config.string()}, dir / "grid.log");
  ASSERT_EQ(grid.wait_exit(kDeadline), 1) << grid.output();
  EXPECT_NE(grid.output().find("grid: error: cannot start nats-server: JetStream store " +
                               (tmpfs.dir() / "store").string() + " is full"),
            std::string::npos)
      << grid.output();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace grid::test
