// The real gridw binary (SPEC §8.1, §8.3, §12): start-up, SIGTERM, start-up errors.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "child_process.hpp"
#include "grid/common/token.hpp"
#include "worker_fixture.hpp"

namespace grid::worker {
namespace {

using namespace std::chrono_literals;

class GridwProcessTest : public WorkerTest {
 protected:
  GridwProcessTest() : dir_(test::make_temp_dir("gridw-e2e")) {}
  ~GridwProcessTest() override {
    gridw_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  test::ChildProcess& start_gridw(const std::string& yaml) {
    const auto path = dir_ / "gridw.yaml";
    std::ofstream(path) << yaml;
    gridw_ = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{test::binary("gridw").string(), "-c", path.string()},
        dir_ / "gridw.log");
    return *gridw_;
  }

  std::string config_yaml(const std::string& name) const {
    return "nats:\n  name: " + name + "\n  client: {urls: [\"" + env.client_url() +
           "\"]}\nworker:\n  groups: [web]\n  heartbeat_interval: 200ms\n";
  }

  std::filesystem::path dir_;
  std::unique_ptr<test::ChildProcess> gridw_;
};

TEST_F(GridwProcessTest, WaitsForTheStreamRunsCommandsAndStopsOnSigterm) {
  auto& gridw = start_gridw(config_yaml("pw1"));
  ASSERT_TRUE(test::wait_for([&] {
    return gridw.output().find("waiting for stream commands") != std::string::npos;
  })) << gridw.output();
  create_infrastructure();
  ASSERT_TRUE(wait_status("pw1", "online")) << gridw.output();
  send(bus::Scope::group, "web", "5555555555555555", 0, "ping", "echo", {{"message", "e2e"}});
  auto got = wait_results("5555555555555555", 1);
  ASSERT_EQ(got.size(), 1u) << gridw.output();
  EXPECT_EQ(got[0].result.output, "e2e");

  gridw.signal(SIGTERM);
  EXPECT_EQ(gridw.wait_exit(30s), 0) << gridw.output();
  auto info = node_info("pw1");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, "offline");
  EXPECT_EQ(info->hostname, os_host_name());
  EXPECT_EQ(info->groups, std::vector<std::string>{"web"});
}

TEST_F(GridwProcessTest, SigtermWhileWaitingForTheStreamExitsZero) {
  auto& gridw = start_gridw(config_yaml("pw2"));
  ASSERT_TRUE(test::wait_for([&] {
    return gridw.output().find("waiting for stream commands") != std::string::npos;
  })) << gridw.output();
  gridw.signal(SIGINT);
  EXPECT_EQ(gridw.wait_exit(30s), 0) << gridw.output();
}

TEST_F(GridwProcessTest, BadConfigurationExitsOneWithTheError) {
  auto& gridw = start_gridw("nats:\n  name: \"bad.name\"\n");
  EXPECT_EQ(gridw.wait_exit(30s), 1);
  EXPECT_NE(gridw.output().find("gridw: error: "), std::string::npos) << gridw.output();
  EXPECT_NE(gridw.output().find("nats.name"), std::string::npos) << gridw.output();
}

TEST_F(GridwProcessTest, LiveDuplicateIdentityExitsOne) {
  create_infrastructure();
  model::NodeInfo other{"pw3", "other-host", std::nullopt, std::nullopt, "online", now()};
  nodes->put("pw3", model::to_json_text(other));
  auto& gridw = start_gridw(config_yaml("pw3"));
  EXPECT_EQ(gridw.wait_exit(30s), 1);
  EXPECT_NE(gridw.output().find("gridw: error: node ID pw3 is in use by host other-host"),
            std::string::npos)
      << gridw.output();
}

TEST_F(GridwProcessTest, VersionFlag) {
  gridw_ = std::make_unique<test::ChildProcess>(
      std::vector<std::string>{test::binary("gridw").string(), "--version"}, dir_ / "v.log");
  EXPECT_EQ(gridw_->wait_exit(30s), 0);
  EXPECT_EQ(gridw_->output().rfind("gridw ", 0), 0u) << gridw_->output();
}

}  // namespace
}  // namespace grid::worker
