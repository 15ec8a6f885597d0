// gridc against a real controller (`grid` with a managed nats-server and its HTTP API), first
// without workers, then with one `gridw` for `job run --wait`.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "child_process.hpp"
#include "grid/common/error.hpp"
#include "temp_dir.hpp"

namespace grid::cli {
namespace {

using namespace std::chrono_literals;

constexpr auto kDeadline = 30s;

// A loopback TCP port that was free a moment ago.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (bind(fd, generic, length) != 0 || getsockname(fd, generic, &length) != 0) {
    close(fd);
    throw Error("bind failed");
  }
  close(fd);
  return ntohs(address.sin_port);
}

struct Outcome {
  std::optional<int> exit_code;
  std::string output;  // stdout and stderr together
};

class GridcE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int port = free_port();
    api_ = "http://127.0.0.1:" + std::to_string(port);
    nats_port_ = free_port();
    auto config = dir_.write("grid.yaml",
                             "nats:\n  name: gridc-e2e\n  server: {host: 127.0.0.1, port: " +
                                 std::to_string(nats_port_) +
                                 "}\n  jetstream: {store: " + (dir_.path() / "store").string() +
                                 "}\napi: {host: 127.0.0.1, port: " + std::to_string(port) + "}\n");
    grid_ = std::make_unique<grid::test::ChildProcess>(
        std::vector<std::string>{grid::test::binary("grid").string(), "-c", config.string()},
        dir_.path() / "grid.log");
    auto until = std::chrono::steady_clock::now() + kDeadline;
    while (gridc({"status"}).exit_code != 0) {
      ASSERT_LT(std::chrono::steady_clock::now(), until) << grid_->output();
      std::this_thread::sleep_for(100ms);
    }
  }

  Outcome gridc(std::vector<std::string> args) {
    args.insert(args.begin(), {grid::test::binary("gridc").string(), "--api", api_});
    grid::test::ChildProcess process(args, dir_.path() / ("gridc-" + std::to_string(++runs_)));
    auto code = process.wait_exit(kDeadline);
    return {code, process.output()};
  }

  // Starts worker `w1` (backend ping among others) and waits until it is listed online.
  void start_worker() {
    auto config =
        dir_.write("gridw.yaml",
                   "nats:\n  name: w1\n  server: {managed: false}\n  client: {urls: "
                   "[\"nats://127.0.0.1:" +
                       std::to_string(nats_port_) + "\"]}\nworker: {heartbeat_interval: 200ms}\n");
    worker_ = std::make_unique<grid::test::ChildProcess>(
        std::vector<std::string>{grid::test::binary("gridw").string(), "-c", config.string()},
        dir_.path() / "gridw.log");
    auto until = std::chrono::steady_clock::now() + kDeadline;
    while (gridc({"node", "list"}).output.find("online") == std::string::npos) {
      ASSERT_LT(std::chrono::steady_clock::now(), until) << worker_->output();
      std::this_thread::sleep_for(100ms);
    }
  }

  test::TempDir dir_;
  std::string api_;
  int nats_port_ = 0;
  std::unique_ptr<grid::test::ChildProcess> grid_;
  std::unique_ptr<grid::test::ChildProcess> worker_;
  int runs_ = 0;
};

TEST_F(GridcE2eTest, ReadCommandsOnAnEmptyCluster) {
  auto status = gridc({"status"});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_TRUE(status.output.starts_with("{\"status\":\"active\"}\n")) << status.output;

  EXPECT_EQ(gridc({"job", "list"}).output, "No jobs found\n");
  EXPECT_EQ(gridc({"node", "list"}).output, "No nodes registered\n");
  EXPECT_EQ(gridc({"job", "list", "-o", "json"}).output, "[]\n");
}

TEST_F(GridcE2eTest, UnknownIdsAreApiErrors) {
  for (auto args : {std::vector<std::string>{"job", "get", "nope"},
                    std::vector<std::string>{"node", "info", "nope"}}) {
    auto outcome = gridc(args);
    EXPECT_EQ(outcome.exit_code, 1);
    EXPECT_TRUE(outcome.output.starts_with("gridc: error: API error (404): {\"error\":"))
        << outcome.output;
  }
  auto cancel = gridc({"job", "cancel", "nope"});
  EXPECT_EQ(cancel.exit_code, 1);
  EXPECT_TRUE(cancel.output.starts_with("gridc: error: cancel failed (404): ")) << cancel.output;
}

TEST_F(GridcE2eTest, RunWithoutOnlineNodesIsRefused) {
  auto outcome = gridc({"job", "run", "ping", "echo", "message=hi", "--wait"});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_TRUE(outcome.output.starts_with("gridc: error: API error (422): ")) << outcome.output;
  EXPECT_NE(outcome.output.find("no online nodes match target all:"), std::string::npos);
}

// The job ID of a `job run` output (its normative first line).
std::string submitted_id(const std::string& output) {
  static const std::regex first_line(
      R"((?:^|\n)Job (\S+) submitted \(1 tasks, target=all:, strategy=fail-fast\)\nExpected nodes: \[w1\]\n)");
  std::smatch match;
  if (!std::regex_search(output, match, first_line)) return "";
  return match[1];
}

// The results JSON after the `Job <id> <status>` line, which must end the output.
nlohmann::json results_after(const std::string& output, const std::string& status_line) {
  auto at = output.find("\n" + status_line + "\n");
  if (at == std::string::npos) return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(output.substr(at + status_line.size() + 2), nullptr, false);
}

TEST_F(GridcE2eTest, WaitEndsWithTheJobStatusAndItsResults) {
  ASSERT_NO_FATAL_FAILURE(start_worker());

  auto done = gridc({"job", "run", "ping", "echo", "message=hi there", "--wait", "--debug"});
  EXPECT_EQ(done.exit_code, 0) << done.output;
  auto id = submitted_id(done.output);
  ASSERT_FALSE(id.empty()) << done.output;
  EXPECT_NE(done.output.find("Waiting for completion...\n"), std::string::npos);
  EXPECT_EQ(done.output.find('\r'), std::string::npos) << "progress written to a file";
  EXPECT_NE(done.output.find("/job/" + id + "?wait=1s → 200"), std::string::npos)
      << "no long-poll request: " << done.output;
  auto results = results_after(done.output, "Job " + id + " completed");
  ASSERT_FALSE(results.is_discarded()) << done.output;
  EXPECT_EQ(results["0"]["w1"]["status"], "success");
  EXPECT_EQ(results["0"]["w1"]["output"], "hi there");

  auto failed = gridc({"job", "run", "ping", "sleep", "duration=soon", "-w"});
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  auto failed_id = submitted_id(failed.output);
  auto failed_results = results_after(failed.output, "Job " + failed_id + " failed");
  ASSERT_FALSE(failed_results.is_discarded()) << failed.output;
  EXPECT_EQ(failed_results["0"]["w1"]["status"], "failed");

  auto get = gridc({"job", "get", id});
  EXPECT_EQ(get.exit_code, 0);
  auto job = nlohmann::json::parse(get.output, nullptr, false);
  ASSERT_FALSE(job.is_discarded()) << get.output;
  EXPECT_EQ(job["id"], id);
  EXPECT_EQ(job["status"], "completed");
  EXPECT_EQ(get.output.substr(0, 10), "{\n  \"id\": ");

  auto list = gridc({"job", "list"});
  EXPECT_NE(list.output.find(id + "  completed  1/1"), std::string::npos) << list.output;
  EXPECT_EQ(gridc({"job", "cancel", id}).exit_code, 1);  // already terminal: 409
}

}  // namespace
}  // namespace grid::cli
