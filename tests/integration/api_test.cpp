// The HTTP API (SPEC §10) through a real HTTP client against a real `grid` with its managed
// nats-server and real `gridw` workers: every endpoint, every error code, CORS, hostile input.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "cluster.hpp"
#include "test_env.hpp"

namespace grid::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kJson = "application/json";

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster("scheduler: {max_pending: 1000}\n");
    cluster_->add_worker({"w1", {"web"}});
    cluster_->add_worker({"w2", {"db"}});
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  httplib::Client client() const {
    httplib::Client c(cluster_->api_url());
    c.set_read_timeout(60, 0);
    return c;
  }

  // POST /job with `body`; returns status and parsed body.
  std::pair<int, json> submit(const json& body) const {
    auto res = client().Post("/job", body.dump(), kJson);
    if (!res) return {0, json()};
    return {res->status, json::parse(res->body, nullptr, false)};
  }

  json wait_terminal(const std::string& id) const {
    auto res = client().Get("/job/" + id + "?wait=30s");
    EXPECT_TRUE(res && res->status == 200);
    return res ? json::parse(res->body) : json();
  }

  static Cluster* cluster_;
};

Cluster* ApiTest::cluster_ = nullptr;

json ping_job(const std::string& scope = "all", const std::string& value = "") {
  return {{"target", {{"scope", scope}, {"value", value}}},
          {"tasks", {{{"backend", "ping"}, {"action", "echo"}, {"params", {{"message", "hi"}}}}}}};
}

TEST_F(ApiTest, SubmittedJobRunsAndLongPollReturnsItTerminal) {
  auto [status, job] = submit(ping_job());
  ASSERT_EQ(status, 202) << job.dump();
  EXPECT_EQ(job["status"], "pending");
  EXPECT_EQ(job["step"], 0);
  EXPECT_EQ(job["strategy"], "fail-fast");
  EXPECT_FALSE(job.contains("results"));
  EXPECT_FALSE(job.contains("owner"));
  EXPECT_EQ(job["created_at"], job["updated_at"]);
  auto expected = job["expected"].get<std::vector<std::string>>();
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(expected, (std::vector<std::string>{"w1", "w2"}));

  auto done = wait_terminal(job["id"]);
  EXPECT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(done["owner"], "ctrl-test");
  for (const char* node : {"w1", "w2"}) {
    EXPECT_EQ(done["results"]["0"][node]["status"], "success");
    EXPECT_EQ(done["results"]["0"][node]["output"], "hi");
  }
}

TEST_F(ApiTest, FailingStepEndsFailedAndGroupTargetReachesOnlyItsNodes) {
  json body = {{"target", {{"scope", "group"}, {"value", "db"}}},
               {"tasks", {{{"backend", "test"}, {"action", "fail"}}}}};
  auto [status, job] = submit(body);
  ASSERT_EQ(status, 202) << job.dump();
  EXPECT_EQ(job["expected"], json::array({"w2"}));
  auto done = wait_terminal(job["id"]);
  EXPECT_EQ(done["status"], "failed");
  EXPECT_EQ(done["results"]["0"]["w2"]["error"], "intentional failure");
}

TEST_F(ApiTest, GetJobAndListJobs) {
  auto [status, job] = submit(ping_job("node", "w1"));
  ASSERT_EQ(status, 202);
  const std::string id = job["id"];
  wait_terminal(id);

  auto res = client().Get("/job/" + id);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["id"], id);
  EXPECT_TRUE(res->get_header_value("Content-Type").starts_with(kJson));

  res = client().Get("/jobs");
  ASSERT_TRUE(res && res->status == 200);
  auto all = json::parse(res->body);
  ASSERT_TRUE(all.is_array());
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const json& j) { return j["id"] == id; }));

  res = client().Get("/jobs?status=completed&limit=1");
  ASSERT_TRUE(res && res->status == 200);
  auto limited = json::parse(res->body);
  ASSERT_EQ(limited.size(), 1u);
  EXPECT_EQ(limited[0]["status"], "completed");

  EXPECT_EQ(client().Get("/jobs?status=bogus")->status, 400);
  EXPECT_EQ(client().Get("/jobs?limit=-1")->status, 400);
  EXPECT_EQ(client().Get("/job/0123456789abcdef")->status, 404);
  EXPECT_EQ(client().Get("/job/not.a.token")->status, 404);
  EXPECT_EQ(client().Get("/job/" + id + "?wait=5x")->status, 400);
}

TEST_F(ApiTest, CancelRunningTerminalAndUnknownJobs) {
  json slow = {
      {"target", {{"scope", "node"}, {"value", "w1"}}},
      {"tasks", {{{"backend", "test"}, {"action", "sleep"}, {"params", {{"duration", "10s"}}}}}}};
  auto [status, job] = submit(slow);
  ASSERT_EQ(status, 202);
  const std::string id = job["id"];
  ASSERT_TRUE(wait_for(
      [&] { return json::parse(client().Get("/job/" + id)->body)["status"] == "running"; }));
  auto res = client().Post("/job/" + id + "/cancel", "null", kJson);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body), (json{{"id", id}, {"status", "cancelled"}}));
  EXPECT_EQ(wait_terminal(id)["status"], "cancelled");

  res = client().Post("/job/" + id + "/cancel", "", kJson);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409) << res->body;
  EXPECT_TRUE(json::parse(res->body).contains("error"));
  EXPECT_EQ(client().Post("/job/0123456789abcdef/cancel", "", kJson)->status, 404);
}

TEST_F(ApiTest, RegistryEndpoints) {
  auto res = client().Get("/nodes");
  ASSERT_TRUE(res && res->status == 200);
  auto nodes = json::parse(res->body);
  ASSERT_EQ(nodes.size(), 2u);
  res = client().Get("/node/w1");
  ASSERT_TRUE(res && res->status == 200);
  auto w1 = json::parse(res->body);
  EXPECT_EQ(w1["groups"], json::array({"web"}));
  EXPECT_EQ(w1["backends"], json::array({"apt", "ping", "rke2", "systemd", "test"}));
  EXPECT_EQ(client().Get("/node/nobody")->status, 404);

  res = client().Get("/controllers");
  ASSERT_TRUE(res && res->status == 200);
  auto controllers = json::parse(res->body);
  ASSERT_EQ(controllers.size(), 1u);
  EXPECT_EQ(controllers[0]["id"], "ctrl-test");
  EXPECT_EQ(controllers[0]["status"], "online");

  res = client().Get("/status");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(json::parse(res->body), (json{{"status", "active"}}));

  res = client().Get("/nats");
  ASSERT_TRUE(res && res->status == 200);
  auto stats = json::parse(res->body);
  EXPECT_EQ(stats["server_name"], "ctrl-test");
  EXPECT_EQ(stats["version"], "2.9.10");
  EXPECT_TRUE(stats["jetstream"].is_object());
  EXPECT_GE(stats["connections"].get<int>(), 3);
}

TEST_F(ApiTest, InvalidSubmissionsAreRejected) {
  struct Case {
    std::string body, content_type;
    int status;
    std::string error;  // exact text when set
  };
  const std::vector<Case> cases = {
      {"{", kJson, 400, ""},
      {"[1,2]", kJson, 400, ""},
      {R"({"tasks":[{"backend":"ping","action":"echo"}]})", "text/plain", 400, ""},
      {"", kJson, 400, "at least one task is required"},
      {R"({"tasks":[]})", kJson, 400, "at least one task is required"},
      {R"({"tasks":[{"backend":"ping"}]})", kJson, 400, "phase[0]: leaf phase missing action"},
      {R"({"tasks":[{"backend":"ping","action":"echo","params":{"n":1}}]})", kJson, 400, ""},
      {R"({"tasks":[{"backend":"ping","action":"echo","max_retries":"2"}]})", kJson, 400, ""},
      {R"({"tasks":[{"backend":"a.b","action":"echo"}]})", kJson, 400, ""},
      {R"({"tasks":[{"backend":"ping","action":"echo","timeout":"5x"}]})", kJson, 400, ""},
      {R"({"strategy":"sometimes","tasks":[{"backend":"ping","action":"echo"}]})", kJson, 400, ""},
      {R"({"target":{"scope":"nodes"},"tasks":[{"backend":"ping","action":"echo"}]})", kJson, 400,
       ""},
      {R"({"target":{"scope":"group","value":"nobody"},"tasks":[{"backend":"ping","action":"echo"}]})",
       kJson, 422, "resolving targets: no online nodes match target group:nobody"},
      {std::string(10000, '[') + std::string(10000, ']'), kJson, 400, ""},
      {R"({"tasks":[{"backend":"ping","action":"echo","max_retries":1e999}]})", kJson, 400, ""},
  };
  for (const auto& c : cases) {
    auto res = client().Post("/job", c.body, c.content_type.c_str());
    ASSERT_TRUE(res) << c.body.substr(0, 80);
    EXPECT_EQ(res->status, c.status) << c.body.substr(0, 80) << " -> " << res->body;
    auto body = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object() && body.contains("error")) << res->body;
    if (!c.error.empty()) {
      EXPECT_EQ(body["error"], c.error);
    }
  }
}

TEST_F(ApiTest, OversizedBodyIs413) {
  auto res = client().Post("/job", std::string(2 * 1024 * 1024, ' '), kJson);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(json::parse(res->body)["error"], "request body too large");
}

TEST_F(ApiTest, CorsAndUnknownRoutes) {
  httplib::Headers preflight = {{"Origin", "http://dashboard"},
                                {"Access-Control-Request-Method", "POST"},
                                {"Access-Control-Request-Headers", "content-type"}};
  auto res = client().Options("/job", preflight);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Headers"), "content-type");

  res = client().Get("/status", {{"Origin", "http://dashboard"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");

  EXPECT_EQ(client().Get("/nothing-here")->status, 404);
  EXPECT_EQ(client().Delete("/jobs")->status, 405);
  EXPECT_EQ(client().Get("/job")->status, 405);
}

// The process's resident set in KiB, from /proc.
long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

TEST_F(ApiTest, HostileRequestsLeaveTheControllerServing) {
  std::mt19937 rng(20261127);
  auto random_bytes = [&](std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
    return s;
  };
  const long rss_before = rss_kib(cluster_->controller().pid());
  const std::vector<std::string> paths = {"/job", "/job/x/cancel", "/jobs", "/nodes"};
  const std::vector<std::string> types = {kJson, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", ""};
  int answered = 0;
  for (int i = 0; i < 60; ++i) {
    std::string body;
    switch (i % 6) {
      case 0:
        body = random_bytes(rng() % 4096);
        break;
      case 1:
        body = std::string(50000, '{');
        break;
      case 2:
        body = R"({"tasks":[{"backend":"ping","action":"echo","params":{"m":")" +
               std::string(200000, 'x') + "\"}}],\"x\":" + std::string(400, '9') + "}";
        break;
      case 3:
        body = R"({"tasks":[{"backend":"ping","action":"echo"}],"target":{"scope":)" +
               std::to_string(rng()) + "}}";
        break;
      case 4:
        body = R"({"unknown":{"deep":[1,2,{"a":null}]},"tasks":"no"})";
        break;
      default:
        body = "\xff\xfe" + random_bytes(64);
        break;
    }
    auto res = client().Post(paths[i % paths.size()], body, types[i % types.size()].c_str());
    ASSERT_TRUE(res) << "request " << i << " got no answer";
    EXPECT_GE(res->status, 400) << "request " << i;
    EXPECT_LT(res->status, 500) << "request " << i << ": " << res->body;
    ++answered;
  }
  EXPECT_EQ(answered, 60);

  auto [status, job] = submit(ping_job());
  ASSERT_EQ(status, 202);
  EXPECT_EQ(wait_terminal(job["id"])["status"], "completed");
  const long rss_after = rss_kib(cluster_->controller().pid());
  EXPECT_LT(rss_after, rss_before + 64 * 1024)
      << "controller grew from " << rss_before << " KiB to " << rss_after << " KiB";
}

TEST(ApiQueueTest, FullQueueAnswers429) {
  Cluster cluster("scheduler: {max_concurrent: 1, max_pending: 1}\n");
  cluster.add_worker({"w1", {}});
  httplib::Client client(cluster.api_url());
  auto post = [&](const json& body) {
    auto res = client.Post("/job", body.dump(), kJson);
    return std::make_pair(res ? res->status : 0, res ? json::parse(res->body) : json());
  };
  json slow = {
      {"tasks", {{{"backend", "test"}, {"action", "sleep"}, {"params", {{"duration", "10s"}}}}}}};
  auto [first_status, first] = post(slow);
  ASSERT_EQ(first_status, 202);
  ASSERT_TRUE(wait_for([&] {
    auto res = client.Get("/job/" + first["id"].get<std::string>());
    return res && json::parse(res->body)["status"] == "running";
  }));
  auto [second_status, second] = post(slow);  // waits in the queue: the only slot is taken
  ASSERT_EQ(second_status, 202);
  auto [third_status, third] = post(slow);
  EXPECT_EQ(third_status, 429);
  EXPECT_EQ(third, (json{{"error", "queue full"}}));
}

TEST(ApiBindTest, PortInUseStopsTheControllerWithExitOne) {
  Cluster first;
  const std::string port = first.api_url().substr(first.api_url().rfind(':') + 1);
  auto dir = make_temp_dir("grid-bind");
  std::ofstream(dir / "grid.yaml") << "nats:\n  name: ctrl-second\n"
                                   << "  server: {host: 127.0.0.1, port: -1}\n"
                                   << "  jetstream: {store: " << (dir / "store").string() << "}\n"
                                   << "api: {host: 127.0.0.1, port: " << port << "}\n";
  ChildProcess second({binary("grid").string(), "-c", (dir / "grid.yaml").string()},
                      dir / "grid.log");
  auto exit_status = second.wait_exit(60s);
  EXPECT_EQ(exit_status, 1) << second.output();
  EXPECT_NE(second.output().find("grid: error: API: cannot listen on 127.0.0.1:" + port),
            std::string::npos)
      << second.output();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace
}  // namespace grid::test
