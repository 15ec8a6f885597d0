// wait_for_job against a real HTTP server standing in for controllers that do not know the
// long-poll parameter: one answering it with 400 (gridc falls back to plain polling for
// good) and one ignoring it (gridc keeps its requests spaced by the poll interval).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "grid/cli/wait.hpp"
#include "grid/model/json.hpp"
#include "sample_jobs.hpp"

namespace grid::cli::test {
namespace {

using namespace std::chrono_literals;

// Serves GET /job/j2: `pending`, then `running`, then `completed` from the third plain GET on.
class OldController {
 public:
  explicit OldController(bool refuse_wait) {
    server_.Get(R"(/job/([^/]+))", [this, refuse_wait](const httplib::Request& req,
                                                          httplib::Response& res) {
      if (req.has_param("wait")) {
        ++wait_requests_;
        if (refuse_wait) {
          res.status = 400;
          res.set_content(R"({"error":"unknown parameter wait"})", "application/json");
          return;
        }
      }
      auto job = pending_job();
      const int n = ++plain_or_ignored_;
      if (n >= 2) job.status = model::JobStatus::kRunning;
      if (n >= 3) job.status = model::JobStatus::kCompleted;
      res.set_content(model::to_json_text(job), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~OldController() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int wait_requests() const { return wait_requests_; }
  int job_requests() const { return plain_or_ignored_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> wait_requests_{0};
  std::atomic<int> plain_or_ignored_{0};
};

TEST(WaitForJob, FallsBackToPlainPollingWhenTheServerRefusesWait) {
  OldController server(/*refuse_wait=*/true);
  ApiClient client(server.url());
  std::vector<model::JobStatus> updates;
  const auto job = wait_for_job(client, "j2", WaitSettings{1s, 20ms},
                                [&](const model::Job& j) { updates.push_back(j.status); });
  EXPECT_EQ(job.status, model::JobStatus::kCompleted);
  EXPECT_EQ(server.wait_requests(), 1) << "the long-poll parameter is dropped after one 400";
  EXPECT_EQ(server.job_requests(), 3);
  EXPECT_EQ(updates,
            (std::vector<model::JobStatus>{model::JobStatus::kPending, model::JobStatus::kRunning}));
}

TEST(WaitForJob, KeepsRequestsSpacedWhenTheServerIgnoresWait) {
  OldController server(/*refuse_wait=*/false);
  ApiClient client(server.url());
  const auto started = std::chrono::steady_clock::now();
  const auto job = wait_for_job(client, "j2", WaitSettings{1s, 100ms}, [](const model::Job&) {});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(job.status, model::JobStatus::kCompleted);
  EXPECT_EQ(server.wait_requests(), 3);
  // Two non-terminal answers, each followed by a pause of at least the poll interval.
  EXPECT_GE(elapsed, 200ms);
}

}  // namespace
}  // namespace grid::cli::test
