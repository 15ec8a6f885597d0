// The API while NATS does not answer (SPEC D-1, §10.2, BUG-65): a `grid` in sidecar mode
// against a nats-server the test freezes with SIGSTOP. Every endpoint that needs NATS answers
// 500 with a JSON error (never 404, never a hang), /nats answers 503, the process keeps
// serving, and once the server runs again the same endpoints answer 200.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>

#include "child_process.hpp"
#include "grid/natsd/managed_server.hpp"
#include "test_env.hpp"

namespace grid::test {
namespace {

using namespace std::chrono_literals;

struct Answer {
  int status = 0;
  nlohmann::json body;
};

class ApiOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("grid-outage");
    const auto monitoring_port = env_.monitoring_url().substr(env_.monitoring_url().rfind(':') + 1);
    auto config = dir_ / "grid.yaml";
    std::ofstream(config) << "nats:\n  name: ctrl-outage\n  server: {managed: false}\n"
                          << "  client: {urls: [\"" << env_.client_url() << "\"]}\n"
                          << "  http: {enabled: true, host: 127.0.0.1, port: " << monitoring_port
                          << "}\napi: {host: 127.0.0.1, port: 0}\n";
    grid_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("grid").string(), "-c", config.string()},
        dir_ / "grid.log");
    port_ =
        std::stoi(grid_->wait_for_output(std::regex(R"(API listening on http://\S+:(\d+))"), 30s));
  }

  void TearDown() override {
    if (frozen_) ::kill(env_.server().pid(), SIGCONT);
    grid_->signal(SIGTERM);
    grid_->wait_exit(30s);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // One request on its own client (requests run in parallel while NATS is frozen).
  Answer call(const std::string& method, const std::string& path,
              const std::string& body = "") const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60s);
    auto res = method == "GET" ? client.Get(path) : client.Post(path, body, "application/json");
    if (!res) return {};
    return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
  }

  TestEnv env_;
  std::filesystem::path dir_;
  std::unique_ptr<ChildProcess> grid_;
  int port_ = 0;
  bool frozen_ = false;
};

TEST_F(ApiOutageTest, EndpointsAnswer500And503WhileNatsIsDownAndRecover) {
  const std::string job = R"({"tasks":[{"backend":"test","action":"succeed"}]})";
  ASSERT_EQ(call("GET", "/nats").status, 200);
  ASSERT_EQ(call("GET", "/jobs").status, 200);

  ASSERT_EQ(::kill(env_.server().pid(), SIGSTOP), 0);
  frozen_ = true;
  struct Case {
    std::string method, path, body;
    int status;
  };
  const std::vector<Case> cases = {
      {"GET", "/status", "", 500},
      {"GET", "/jobs", "", 500},
      {"GET", "/job/0123456789abcdef", "", 500},
      {"POST", "/job/0123456789abcdef/cancel", "", 500},
      {"POST", "/job", job, 500},
      {"GET", "/nodes", "", 500},
      {"GET", "/node/n1", "", 500},
      {"GET", "/controllers", "", 500},
      {"GET", "/nats", "", 503},
  };
  std::vector<std::future<Answer>> answers;
  for (const auto& c : cases) {
    answers.push_back(
        std::async(std::launch::async, [&] { return call(c.method, c.path, c.body); }));
  }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto answer = answers[i].get();
    const auto what = cases[i].method + " " + cases[i].path;
    EXPECT_EQ(answer.status, cases[i].status) << what;
    ASSERT_TRUE(answer.body.is_object()) << what;
    EXPECT_TRUE(answer.body.contains("error") && answer.body["error"].is_string() &&
                !answer.body["error"].get<std::string>().empty())
        << what << ": " << answer.body.dump();
  }
  EXPECT_EQ(call("GET", "/nats").body.value("error", ""), "NATS server not available");
  EXPECT_TRUE(process_alive(grid_->pid()));

  ASSERT_EQ(::kill(env_.server().pid(), SIGCONT), 0);
  frozen_ = false;
  EXPECT_TRUE(wait_for([&] { return call("GET", "/jobs").status == 200; }, 30s)) << grid_->output();
  EXPECT_EQ(call("GET", "/status").status, 200);
  // No worker is registered: admission works again and answers 422, not 500.
  EXPECT_EQ(call("POST", "/job", job).status, 422);
}

}  // namespace
}  // namespace grid::test
