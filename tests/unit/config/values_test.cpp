#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "grid/config/config.hpp"
#include "load_test_support.hpp"

namespace grid::config {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

TEST(ConfigValues, EveryKeyIsReadBack) {
  const LoadResult r = test::load(R"(
api:
  enabled: false
  host: 0.0.0.0
  port: 9000
nats:
  name: ctrl-a
  client:
    urls: ["nats://a:4222", "nats://b:4222"]
  cluster:
    enabled: true
    name: prod
    host: 10.0.0.1
    port: 6222
    routes: ["ctrl-b:6222", "nats://ctrl-c:6222"]
  jetstream:
    replicas: 3
    store: /var/lib/grid/nats
    max_store: 10737418240
    max_memory: 1048576
    domain: hub
  http:
    enabled: true
    host: 127.0.0.2
    port: 8222
  server:
    host: 0.0.0.0
    port: 4333
    managed: false
    binary: /opt/nats/nats-server
worker:
  groups: [web, prod_1, db-2]
  heartbeat_interval: 45s
  inactive_threshold: 1h30m
  allowed_paths: [/srv, /etc/grid]
scheduler:
  max_concurrent: 10
  max_pending: 500
controller:
  heartbeat_interval: 5s
  stale_threshold: 1.5m
)");
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
  const Config& c = r.config;
  EXPECT_FALSE(c.api.enabled);
  EXPECT_EQ(c.api.host, "0.0.0.0");
  EXPECT_EQ(c.api.port, 9000);
  EXPECT_EQ(c.nats.name, "ctrl-a");
  EXPECT_EQ(c.nats.client.urls, (Strings{"nats://a:4222", "nats://b:4222"}));
  EXPECT_TRUE(c.nats.cluster.enabled);
  EXPECT_EQ(c.nats.cluster.name, "prod");
  EXPECT_EQ(c.nats.cluster.host, "10.0.0.1");
  EXPECT_EQ(c.nats.cluster.port, 6222);
  EXPECT_EQ(c.nats.cluster.routes, (Strings{"ctrl-b:6222", "nats://ctrl-c:6222"}));
  EXPECT_EQ(c.nats.jetstream.replicas, 3);
  EXPECT_EQ(c.nats.jetstream.store, "/var/lib/grid/nats");
  EXPECT_EQ(c.nats.jetstream.max_store, 10737418240);
  EXPECT_EQ(c.nats.jetstream.max_memory, 1048576);
  EXPECT_EQ(c.nats.jetstream.domain, "hub");
  EXPECT_TRUE(c.nats.http.enabled);
  EXPECT_EQ(c.nats.http.host, "127.0.0.2");
  EXPECT_EQ(c.nats.http.port, 8222);
  EXPECT_EQ(c.nats.server.host, "0.0.0.0");
  EXPECT_EQ(c.nats.server.port, 4333);
  EXPECT_FALSE(c.nats.server.managed);
  EXPECT_EQ(c.nats.server.binary, "/opt/nats/nats-server");
  EXPECT_EQ(c.worker.groups, (Strings{"web", "prod_1", "db-2"}));
  EXPECT_EQ(c.worker.heartbeat_interval, 45s);
  EXPECT_EQ(c.worker.inactive_threshold, 90min);
  EXPECT_EQ(c.worker.allowed_paths, (Strings{"/srv", "/etc/grid"}));
  EXPECT_EQ(c.scheduler.max_concurrent, 10);
  EXPECT_EQ(c.scheduler.max_pending, 500);
  EXPECT_EQ(c.controller.heartbeat_interval, 5s);
  EXPECT_EQ(c.controller.stale_threshold, 90s);
}

// The two examples of SPEC §13 load cleanly.
TEST(ConfigValues, SpecExamplesLoadWithoutWarnings) {
  const LoadResult controller = test::load(R"(
api: {enabled: true, host: 0.0.0.0, port: 8765}
nats:
  name: ctrl-a
  server: {host: 0.0.0.0, port: 4222}
  cluster: {enabled: true, name: grid, host: 0.0.0.0, port: 6222,
            routes: ["ctrl-b:6222", "ctrl-c:6222"]}
  jetstream: {store: /var/lib/grid/nats, replicas: 3}
scheduler: {max_concurrent: 10, max_pending: 500}
controller: {heartbeat_interval: 15s, stale_threshold: 60s}
)");
  EXPECT_TRUE(controller.warnings.empty());
  EXPECT_EQ(controller.config.nats.cluster.routes, (Strings{"ctrl-b:6222", "ctrl-c:6222"}));
  EXPECT_EQ(controller.config.nats.jetstream.replicas, 3);

  const LoadResult worker = test::load(R"(
nats:
  name: web-01
  client: {urls: ["nats://ctrl-a:4222", "nats://ctrl-b:4222"]}
worker:
  groups: [web, prod]
  heartbeat_interval: 30s
  inactive_threshold: 10m
  allowed_paths: [/etc, /var/log, /tmp/grid, /opt]
)");
  EXPECT_TRUE(worker.warnings.empty());
  EXPECT_EQ(worker.config.nats.name, "web-01");
  EXPECT_EQ(worker.config.worker.groups, (Strings{"web", "prod"}));
}

struct BoolCase {
  const char* text;
  bool value;
};

void PrintTo(const BoolCase& c, std::ostream* os) {
  *os << c.text;
}

class ConfigBoolean : public ::testing::TestWithParam<BoolCase> {};

TEST_P(ConfigBoolean, AcceptsTheWordsGoAccepts) {
  // Start from the opposite of the default so that both directions are observed.
  const LoadResult r = test::load(std::string("nats: {http: {enabled: ") + GetParam().text +
                                  "}, server: {managed: " + GetParam().text + "}}");
  EXPECT_EQ(r.config.nats.http.enabled, GetParam().value);
  EXPECT_EQ(r.config.nats.server.managed, GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(Config, ConfigBoolean,
                         ::testing::Values(BoolCase{"true", true}, BoolCase{"True", true},
                                           BoolCase{"TRUE", true}, BoolCase{"yes", true},
                                           BoolCase{"on", true}, BoolCase{"y", true},
                                           BoolCase{"false", false}, BoolCase{"False", false},
                                           BoolCase{"FALSE", false}, BoolCase{"no", false},
                                           BoolCase{"off", false}, BoolCase{"N", false}));

TEST(ConfigValues, GroupsDistinguishAbsentNullAndEmpty) {
  EXPECT_FALSE(test::load("worker: {}").config.worker.groups.has_value());
  EXPECT_FALSE(test::load("worker: {groups: null}").config.worker.groups.has_value());
  EXPECT_EQ(test::load("worker: {groups: []}").config.worker.groups, Strings{});
  EXPECT_EQ(test::load("worker: {groups: [a]}").config.worker.groups, Strings{"a"});
}

TEST(ConfigValues, AllowedPathsAbsentGiveTheDefaultListAndEmptyAllowsNothing) {
  const Strings defaults = WorkerConfig{}.allowed_paths;
  EXPECT_EQ(test::load("worker: {}").config.worker.allowed_paths, defaults);
  EXPECT_EQ(test::load("worker: {allowed_paths: ~}").config.worker.allowed_paths, defaults);
  EXPECT_EQ(test::load("worker: {allowed_paths: []}").config.worker.allowed_paths, Strings{});
}

struct SchedulerCase {
  const char* yaml;
  int max_concurrent;
  int max_pending;
};

void PrintTo(const SchedulerCase& c, std::ostream* os) {
  *os << c.yaml;
}

class ConfigSchedulerLimits : public ::testing::TestWithParam<SchedulerCase> {};

TEST_P(ConfigSchedulerLimits, NonPositiveMeansTheDefault) {
  const SchedulerConfig s = test::load(GetParam().yaml).config.scheduler;
  EXPECT_EQ(s.max_concurrent, GetParam().max_concurrent);
  EXPECT_EQ(s.max_pending, GetParam().max_pending);
}

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigSchedulerLimits,
    ::testing::Values(SchedulerCase{"scheduler: {max_concurrent: 0, max_pending: 0}", 5, 100},
                      SchedulerCase{"scheduler: {max_concurrent: -3, max_pending: -1}", 5, 100},
                      SchedulerCase{"scheduler: {max_concurrent: 1, max_pending: 1}", 1, 1},
                      SchedulerCase{"scheduler: {max_concurrent: +7, max_pending: 2147483647}", 7,
                                    2147483647}));

TEST(ConfigValues, RandomPortsAreAllowedForServerAndMonitoring) {
  const Config c = test::load("nats: {server: {port: -1}, http: {port: -1}}").config;
  EXPECT_EQ(c.nats.server.port, -1);
  EXPECT_EQ(c.nats.http.port, -1);
}

TEST(ConfigValues, PortBoundsAreInclusive) {
  const Config c = test::load("api: {port: 65535}\nnats: {cluster: {port: 0}}").config;
  EXPECT_EQ(c.api.port, 65535);
  EXPECT_EQ(c.nats.cluster.port, 0);
}

TEST(ConfigValues, StoreDirIsAnAliasOfStore) {
  const LoadResult r = test::load("nats: {jetstream: {store_dir: /data/js}}");
  EXPECT_EQ(r.config.nats.jetstream.store, "/data/js");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(ConfigValues, EmptyDurationKeepsTheDefault) {
  const Config c = test::load(R"(
worker: {heartbeat_interval: "", inactive_threshold: ""}
controller: {heartbeat_interval: "", stale_threshold: ""}
)")
                       .config;
  EXPECT_EQ(c.worker, WorkerConfig{});
  EXPECT_EQ(c.controller, ControllerConfig{});
}

TEST(ConfigValues, DurationsUseGoSyntax) {
  const Config c = test::load(R"(
worker: {heartbeat_interval: 300ms, inactive_threshold: 2h45m}
controller: {heartbeat_interval: 1m30.5s, stale_threshold: "1.5h"}
)")
                       .config;
  EXPECT_EQ(c.worker.heartbeat_interval, 300ms);
  EXPECT_EQ(c.worker.inactive_threshold, 165min);
  EXPECT_EQ(c.controller.heartbeat_interval, 90500ms);
  EXPECT_EQ(c.controller.stale_threshold, 90min);
}

TEST(ConfigValues, ScalarsAreAcceptedAsStrings) {
  const Config c = test::load("nats: {name: 1234, cluster: {name: true}}").config;
  EXPECT_EQ(c.nats.name, "1234");
  EXPECT_EQ(c.nats.cluster.name, "true");
}

TEST(ConfigValues, NameOfMaximumLengthIsAccepted) {
  const std::string name(120, 'n');
  EXPECT_EQ(test::load("nats: {name: " + name + "}").config.nats.name, name);
}

TEST(ConfigValues, AliasesOfLegitimateValuesWork) {
  const Config c = test::load(R"(
nats:
  client: {urls: &servers ["nats://a:4222"]}
  cluster: {routes: *servers}
)")
                       .config;
  EXPECT_EQ(c.nats.cluster.routes, Strings{"nats://a:4222"});
}

TEST(ConfigValues, UnknownKeysWarnWithTheirPathAndDoNotStopLoading) {
  const LoadResult r = test::load(R"(colour: blue
nats:
  servr: {port: 1}
  server:
    port: 4333
    prot: x
worker:
  groupz: [a]
  groups: [b]
)");
  EXPECT_EQ(r.warnings,
            (Strings{"config.yaml:1: unknown key colour", "config.yaml:3: unknown key nats.servr",
                     "config.yaml:6: unknown key nats.server.prot",
                     "config.yaml:8: unknown key worker.groupz"}));
  EXPECT_EQ(r.config.nats.server.port, 4333);
  EXPECT_EQ(r.config.worker.groups, Strings{"b"});
}

TEST(ConfigValues, UnknownKeysWithBadValuesAreOnlyWarnings) {
  const LoadResult r = test::load("api: {prt: [1, {a: b}], port: 1}");
  EXPECT_EQ(r.warnings, Strings{"config.yaml:1: unknown key api.prt"});
  EXPECT_EQ(r.config.api.port, 1);
}

}  // namespace
}  // namespace grid::config
