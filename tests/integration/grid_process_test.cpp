// The real `grid` binary end to end: start-up with a managed nats-server or in sidecar mode,
// the infrastructure it creates (read back through the bus layer), clean shutdown on signals
// and the start-up errors of SPEC §5.1 / D-1.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "child_process.hpp"
#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/common/error.hpp"
#include "grid/common/timestamp.hpp"
#include "grid/common/token.hpp"
#include "grid/model/controller_info.hpp"
#include "test_env.hpp"

namespace grid::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kDeadline = 30s;

class GridProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("grid-e2e"); }
  void TearDown() override {
    grid_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path write_config(const std::string& yaml) {
    auto path = dir_ / "grid.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  ChildProcess& start_grid(const std::vector<std::string>& extra_args) {
    std::vector<std::string> argv{binary("grid").string()};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    grid_ = std::make_unique<ChildProcess>(argv, dir_ / "grid.log");
    return *grid_;
  }

  std::string managed_config(const std::string& name) const {
    return "nats:\n  name: " + name +
           "\n  server: {host: 127.0.0.1, port: -1}\n  jetstream: {store: " +
           (dir_ / "store").string() +
           "}\ncontroller: {heartbeat_interval: 100ms}\napi: {enabled: false}\n";
  }

  static std::string sidecar_config(const std::string& name, const std::string& url) {
    return "nats:\n  name: " + name + "\n  server: {managed: false}\n  client: {urls: [\"" + url +
           "\"]}\ncontroller: {heartbeat_interval: 100ms}\napi: {enabled: false}\n";
  }

  // The managed server's ports file: its pid (from the file name) and client URL.
  std::optional<std::pair<pid_t, std::string>> managed_server() const {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "store", ec)) {
      std::smatch m;
      std::string file = entry.path().filename().string();
      static const std::regex ports_file(R"(nats-server_(\d+)\.ports)");
      if (!std::regex_match(file, m, ports_file)) continue;
      std::ifstream in(entry.path());
      auto json = nlohmann::json::parse(in, nullptr, false);
      if (json.is_discarded() || !json.contains("nats") || json["nats"].empty()) continue;
      return std::make_pair(static_cast<pid_t>(std::stoi(m[1])),
                            json["nats"][0].get<std::string>());
    }
    return std::nullopt;
  }

  std::filesystem::path dir_;
  std::unique_ptr<ChildProcess> grid_;
};

bus::ConnectionOptions test_client(const std::string& url) {
  bus::ConnectionOptions options;
  options.urls = {url};
  options.name = "grid-e2e-test";
  return options;
}

std::optional<model::ControllerInfo> controller_entry(bus::KvStore& kv, const std::string& id) {
  auto entry = kv.get(id);
  if (!entry) return std::nullopt;
  return model::parse_controller_info(entry->value);
}

// Waits until the controllers bucket exists and holds `id` with `status`.
std::optional<model::ControllerInfo> wait_for_controller(bus::JetStream& js, const std::string& id,
                                                         const std::string& status) {
  std::optional<model::ControllerInfo> info;
  wait_for(
      [&] {
        try {
          auto kv = bus::KvStore::open(js, "controllers");
          info = controller_entry(kv, id);
          return info && info->status == status;
        } catch (const Error&) {
          return false;
        }
      },
      kDeadline);
  return info;
}

TEST_F(GridProcessTest, ManagedModeCreatesInfrastructureAndStopsCleanlyOnSigint) {
  auto& grid = start_grid({"-c", write_config(managed_config("ctrl-e2e")).string()});
  std::optional<std::pair<pid_t, std::string>> server;
  ASSERT_TRUE(wait_for([&] { return (server = managed_server()).has_value(); }, kDeadline))
      << grid.output();

  bus::Connection connection(test_client(server->second));
  bus::JetStream js(connection);
  auto info = wait_for_controller(js, "ctrl-e2e", "online");
  ASSERT_TRUE(info && info->status == "online") << grid.output();
  EXPECT_EQ(info->hostname, os_host_name());

  struct Expected {
    std::string name, subjects;
    bus::Retention retention;
  };
  for (const auto& want : {Expected{"commands", "cmd.>", bus::Retention::limits},
                           Expected{"results", "result.>", bus::Retention::limits},
                           Expected{"requests", "request.>", bus::Retention::work_queue}}) {
    auto stream = js.stream_info(want.name);
    EXPECT_EQ(stream.config.subjects, std::vector<std::string>{want.subjects}) << want.name;
    EXPECT_EQ(stream.config.retention, want.retention) << want.name;
    EXPECT_EQ(stream.config.discard, bus::Discard::old_messages) << want.name;
    EXPECT_EQ(stream.config.max_age, std::chrono::hours(1)) << want.name;
    EXPECT_EQ(stream.config.storage, bus::Storage::file) << want.name;
    EXPECT_EQ(stream.config.replicas, 1) << want.name;
  }
  for (const char* bucket : {"cluster", "jobs", "nodes", "controllers"}) {
    auto status = bus::KvStore::open(js, bucket).status();
    EXPECT_EQ(status.history, 1) << bucket;
    EXPECT_EQ(status.replicas, 1) << bucket;
  }
  auto cluster_status = bus::KvStore::open(js, "cluster").get("status");
  ASSERT_TRUE(cluster_status);
  EXPECT_EQ(cluster_status->value, "active");

  // The heartbeat keeps moving last_seen while started_at stays.
  auto controllers = bus::KvStore::open(js, "controllers");
  auto first = *controller_entry(controllers, "ctrl-e2e");
  EXPECT_TRUE(wait_for(
      [&] { return controller_entry(controllers, "ctrl-e2e")->last_seen > first.last_seen; },
      kDeadline));
  EXPECT_EQ(controller_entry(controllers, "ctrl-e2e")->started_at, first.started_at);

  grid.signal(SIGINT);
  EXPECT_EQ(grid.wait_exit(kDeadline), 0) << grid.output();
  EXPECT_FALSE(process_alive(server->first)) << "nats-server outlived the controller";
  EXPECT_FALSE(managed_server().has_value()) << "ports file left behind";
}

TEST_F(GridProcessTest, SidecarModeRegistersAndGoesOfflineOnSigterm) {
  TestEnv env;
  auto& grid = start_grid(
      {"--config", write_config(sidecar_config("ctrl-side", env.client_url())).string()});
  bus::Connection connection(test_client(env.client_url()));
  bus::JetStream js(connection);
  auto online = wait_for_controller(js, "ctrl-side", "online");
  ASSERT_TRUE(online && online->status == "online") << grid.output();
  EXPECT_EQ(bus::KvStore::open(js, "cluster").get("status")->value, "active");

  grid.signal(SIGTERM);
  ASSERT_EQ(grid.wait_exit(kDeadline), 0) << grid.output();
  auto controllers = bus::KvStore::open(js, "controllers");
  auto offline = controller_entry(controllers, "ctrl-side");
  ASSERT_TRUE(offline);
  EXPECT_EQ(offline->status, "offline");
  EXPECT_EQ(offline->hostname, os_host_name()) << "BUG-28: hostname is kept";
  EXPECT_EQ(offline->started_at, online->started_at);
  EXPECT_GE(offline->last_seen, online->last_seen);
}

TEST_F(GridProcessTest, RefusesAnIdHeldByAnotherLiveHost) {
  TestEnv env;
  bus::Connection connection(test_client(env.client_url()));
  bus::JetStream js(connection);
  auto controllers = bus::KvStore::create_or_open(js, "controllers", 1);
  model::ControllerInfo other{"ctrl-dup", "some-other-host", "online", now(), now()};
  controllers.put("ctrl-dup", model::to_json_text(other));

  auto& grid =
      start_grid({"-c", write_config(sidecar_config("ctrl-dup", env.client_url())).string()});
  ASSERT_EQ(grid.wait_exit(kDeadline), 1) << grid.output();
  EXPECT_NE(grid.output().find("grid: error: controller ID ctrl-dup is in use by host "
                               "some-other-host"),
            std::string::npos)
      << grid.output();
  EXPECT_EQ(controller_entry(controllers, "ctrl-dup")->hostname, "some-other-host");
}

TEST_F(GridProcessTest, InvalidConfigExitsWithOneAndNamesThePath) {
  auto& grid = start_grid({"-c", write_config("nats:\n  server:\n    port: abc\n").string()});
  ASSERT_EQ(grid.wait_exit(kDeadline), 1);
  auto output = grid.output();
  EXPECT_NE(output.find("grid: error: "), std::string::npos) << output;
  EXPECT_NE(output.find("nats.server.port"), std::string::npos) << output;
}

TEST_F(GridProcessTest, MissingExplicitConfigExitsWithOne) {
  auto& grid = start_grid({"-c", (dir_ / "absent.yaml").string()});
  ASSERT_EQ(grid.wait_exit(kDeadline), 1);
  EXPECT_NE(grid.output().find("grid: error: "), std::string::npos) << grid.output();
}

TEST_F(GridProcessTest, UnusableNatsBinaryExitsWithOne) {
  auto config = managed_config("ctrl-bin");
  config.replace(config.find("port: -1}"), 9, "port: -1, binary: /nonexistent/nats-server}");
  auto& grid = start_grid({"-c", write_config(config).string()});
  ASSERT_EQ(grid.wait_exit(kDeadline), 1);
  EXPECT_NE(grid.output().find("nats-server binary /nonexistent/nats-server is not executable"),
            std::string::npos)
      << grid.output();
}

TEST_F(GridProcessTest, UnusableStoreDirectoryExitsWithOne) {
  // The store path runs through a regular file, so nothing can be created under it (a
  // read-only mode would not stop root, which CI runs as).
  std::ofstream(dir_ / "not-a-dir") << "x";
  auto config = managed_config("ctrl-store");
  const auto store = (dir_ / "store").string();
  config.replace(config.find(store), store.size(), (dir_ / "not-a-dir" / "store").string());
  auto& grid = start_grid({"-c", write_config(config).string()});
  ASSERT_EQ(grid.wait_exit(kDeadline), 1) << grid.output();
  EXPECT_NE(grid.output().find("grid: error: "), std::string::npos) << grid.output();
  EXPECT_NE(grid.output().find((dir_ / "not-a-dir").string()), std::string::npos)
      << "the error names the path\n"
      << grid.output();
}

TEST_F(GridProcessTest, UnreachableNatsAtStartExitsWithOne) {
  // Sidecar mode towards a port nobody listens on: start-up gives up with a clear error.
  auto& grid = start_grid(
      {"-c", write_config(sidecar_config("ctrl-nonats", "nats://127.0.0.1:1")).string()});
  ASSERT_EQ(grid.wait_exit(kDeadline), 1) << grid.output();
  EXPECT_NE(grid.output().find("grid: error: "), std::string::npos) << grid.output();
  EXPECT_NE(grid.output().find("nats://127.0.0.1:1"), std::string::npos) << grid.output();
  EXPECT_EQ(grid.output().find("Segmentation"), std::string::npos);
}

TEST_F(GridProcessTest, NatsPortInUseExitsWithOne) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  auto config = managed_config("ctrl-busy");
  config.replace(config.find("port: -1"), 8, "port: " + std::to_string(ntohs(addr.sin_port)));

  auto& grid = start_grid({"-c", write_config(config).string()});
  auto status = grid.wait_exit(kDeadline);
  ::close(fd);
  ASSERT_EQ(status, 1) << grid.output();
  EXPECT_NE(grid.output().find("NATS server not ready"), std::string::npos) << grid.output();
}

TEST_F(GridProcessTest, PrintsItsVersion) {
  auto& grid = start_grid({"--version"});
  ASSERT_EQ(grid.wait_exit(kDeadline), 0);
  EXPECT_NE(grid.output().find("grid 0."), std::string::npos) << grid.output();
}

}  // namespace
}  // namespace grid::test
