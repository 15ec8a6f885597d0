#include <gtest/gtest.h>

#include <chrono>

#include "grid/common/token.hpp"
#include "grid/config/config.hpp"
#include "load_test_support.hpp"

namespace grid::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigDefaults, MatchTheSpecTable) {
  const Config c;
  EXPECT_TRUE(c.api.enabled);  // D-4
  EXPECT_EQ(c.api.host, "localhost");
  EXPECT_EQ(c.api.port, 8765);
  EXPECT_EQ(c.nats.client.urls, std::vector<std::string>{"nats://localhost:4222"});
  EXPECT_FALSE(c.nats.cluster.enabled);
  EXPECT_EQ(c.nats.cluster.name, "grid");
  EXPECT_EQ(c.nats.cluster.host, "");
  EXPECT_EQ(c.nats.cluster.port, 0);
  EXPECT_TRUE(c.nats.cluster.routes.empty());
  EXPECT_EQ(c.nats.jetstream.replicas, 1);
  EXPECT_EQ(c.nats.jetstream.store, ".nats");
  EXPECT_EQ(c.nats.jetstream.max_store, 0);
  EXPECT_EQ(c.nats.jetstream.max_memory, 0);
  EXPECT_EQ(c.nats.jetstream.domain, "");
  EXPECT_FALSE(c.nats.http.enabled);
  EXPECT_EQ(c.nats.http.host, "");
  EXPECT_EQ(c.nats.http.port, 0);
  EXPECT_EQ(c.nats.server.host, "localhost");
  EXPECT_EQ(c.nats.server.port, 4222);
  EXPECT_TRUE(c.nats.server.managed);
  EXPECT_EQ(c.nats.server.binary, "");
  EXPECT_FALSE(c.worker.groups.has_value());
  EXPECT_EQ(c.worker.heartbeat_interval, 30s);
  EXPECT_EQ(c.worker.inactive_threshold, 10min);
  EXPECT_EQ(c.worker.allowed_paths,
            (std::vector<std::string>{"/etc", "/var/log", "/tmp/grid", "/opt"}));
  EXPECT_EQ(c.scheduler.max_concurrent, 5);
  EXPECT_EQ(c.scheduler.max_pending, 100);
  EXPECT_EQ(c.controller.heartbeat_interval, 15s);
  EXPECT_EQ(c.controller.stale_threshold, 60s);
}

TEST(ConfigDefaults, NameIsTheSanitisedHostName) {
  const Config c;
  EXPECT_EQ(c.nats.name, sanitize_host_name(os_host_name()));
  EXPECT_TRUE(is_valid_token(c.nats.name)) << c.nats.name;
}

class ConfigEmptyDocument : public ::testing::TestWithParam<const char*> {};

TEST_P(ConfigEmptyDocument, GivesTheDefaultsWithoutWarnings) {
  const LoadResult r = test::load(GetParam());
  EXPECT_EQ(r.config, Config{});
  EXPECT_TRUE(r.warnings.empty());
}

INSTANTIATE_TEST_SUITE_P(Config, ConfigEmptyDocument,
                         ::testing::Values("", "\n\n", "   \n", "# only a comment\n", "---\n",
                                           "--- \n...\n", "~\n", "null\n", "{}\n"));

TEST(ConfigDefaults, NullSectionsAndValuesKeepTheDefaults) {
  const LoadResult r = test::load(R"(
api:
nats:
  name:
  client: {urls: ~}
  server: {port: null, managed: ~}
  jetstream: {store: ~}
worker:
  groups: ~
  heartbeat_interval:
  allowed_paths: ~
scheduler: {max_concurrent: ~}
controller:
)");
  EXPECT_EQ(r.config, Config{});
  EXPECT_TRUE(r.warnings.empty());
}

}  // namespace
}  // namespace grid::config
