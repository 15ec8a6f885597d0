// AgentHost: many agents over shared connections, loops and hand-made pull requests, with the
// observable behaviour of as many gridw processes (consumers, registration, results).
#include "grid/worker/agent_host.hpp"

#include <gtest/gtest.h>

#include "worker_fixture.hpp"

namespace grid::worker {
namespace {

using namespace std::chrono_literals;

class AgentHostTest : public WorkerTest {
 protected:
  AgentHostOptions options() {
    AgentHostOptions o;
    o.urls = {env.client_url()};
    o.hostname = "bench-host";
    o.connections = 2;
    o.loops = 2;
    o.startup_threads = 3;
    o.pull_expires = 1s;  // exercises re-issued pull requests
    return o;
  }
};

TEST_F(AgentHostTest, AgentsRegisterRunCommandsAndGoOffline) {
  create_infrastructure();
  AgentHost host(options());
  host.start({{"a-1", {"web"}}, {"a-2", {"web"}}, {"a-3", {}}});
  for (const auto* id : {"a-1", "a-2", "a-3"}) {
    ASSERT_TRUE(wait_status(id, "online")) << id;
    EXPECT_EQ(node_info(id)->hostname, "bench-host");
  }
  std::this_thread::sleep_for(2500ms);  // past one expiry of the first pull requests

  send(bus::Scope::all, "", "job-all", 0, "ping", "echo", {{"message", "hi"}});
  auto all = wait_results("job-all", 3);
  ASSERT_EQ(all.size(), 3u);
  for (const auto& r : all) {
    EXPECT_EQ(r.result.output, "hi");
    EXPECT_EQ(r.result.status, "success");
  }
  send(bus::Scope::group, "web", "job-web", 0, "ping", "echo");
  EXPECT_EQ(wait_results("job-web", 2).size(), 2u);
  send(bus::Scope::node, "a-3", "job-node", 0, "ping", "echo");
  auto one = wait_results("job-node", 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].result.node_id, "a-3");

  // One result per agent and command, none twice.
  host.stop();
  for (const auto* id : {"a-1", "a-2", "a-3"}) EXPECT_TRUE(wait_status(id, "offline")) << id;
  EXPECT_EQ(results().size(), 6u);
}

}  // namespace
}  // namespace grid::worker
