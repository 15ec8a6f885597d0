#include <gtest/gtest.h>

#include <string>

#include "grid/common/error.hpp"
#include "load_test_support.hpp"

namespace grid::config {
namespace {

using Strings = std::vector<std::string>;

struct ErrorCase {
  const char* name;
  std::string yaml;
  std::string problem;  // the one expected problem, exactly
};

void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class ConfigInvalid : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigInvalid, IsRejectedNamingPathAndLine) {
  EXPECT_EQ(test::problems_of(GetParam().yaml), Strings{GetParam().problem});
}

const std::string kBadName =
    " is not a valid name (allowed: A-Z a-z 0-9 _ -, at most 120 characters)";

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigInvalid,
    ::testing::Values(
        // Integers and their ranges.
        ErrorCase{"PortNotANumber", "nats:\n  server:\n    port: abc\n",
                  R"(config.yaml:3: nats.server.port: expected an integer, got "abc")"},
        ErrorCase{"PortQuoted", "nats:\n  server:\n    port: \"4222\"\n",
                  R"(config.yaml:3: nats.server.port: expected an integer, got the string "4222")"},
        ErrorCase{"PortAsList", "api:\n  port: [1]\n",
                  "config.yaml:2: api.port: expected an integer, got a list"},
        ErrorCase{"PortFraction", "api:\n  port: 80.5\n",
                  R"(config.yaml:2: api.port: expected an integer, got "80.5")"},
        ErrorCase{"PortTooLarge", "nats:\n  server:\n    port: 65536\n",
                  R"(config.yaml:3: nats.server.port: must be between -1 and 65535, got "65536")"},
        ErrorCase{"PortBelowRandom", "nats: {server: {port: -2}}",
                  R"(config.yaml:1: nats.server.port: must be between -1 and 65535, got "-2")"},
        ErrorCase{"HttpPortTooLarge", "nats: {http: {port: 70000}}",
                  R"(config.yaml:1: nats.http.port: must be between -1 and 65535, got "70000")"},
        ErrorCase{"ApiPortNegative", "api: {port: -1}",
                  R"(config.yaml:1: api.port: must be between 0 and 65535, got "-1")"},
        ErrorCase{"ClusterPortNegative", "nats: {cluster: {port: -1}}",
                  R"(config.yaml:1: nats.cluster.port: must be between 0 and 65535, got "-1")"},
        ErrorCase{"IntegerOverflow", "nats: {jetstream: {max_store: 99999999999999999999}}",
                  "config.yaml:1: nats.jetstream.max_store: must be between 0 and "
                  R"(9223372036854775807, got "99999999999999999999")"},
        ErrorCase{"NegativeSize", "nats: {jetstream: {max_memory: -1}}",
                  "config.yaml:1: nats.jetstream.max_memory: must be between 0 and "
                  R"(9223372036854775807, got "-1")"},
        ErrorCase{"SchedulerOverflowsInt", "scheduler: {max_pending: 2147483648}",
                  "config.yaml:1: scheduler.max_pending: must be between -2147483648 and "
                  R"(2147483647, got "2147483648")"},
        ErrorCase{"ReplicasZero", "nats: {jetstream: {replicas: 0}}",
                  R"(config.yaml:1: nats.jetstream.replicas: must be between 1 and 5, got "0")"},
        ErrorCase{"ReplicasSix", "nats: {jetstream: {replicas: 6}}",
                  R"(config.yaml:1: nats.jetstream.replicas: must be between 1 and 5, got "6")"},
        ErrorCase{"SignOnly", "api: {port: -}",
                  R"(config.yaml:1: api.port: expected an integer, got "-")"},
        // Booleans.
        ErrorCase{"BoolWord", "api:\n  enabled: maybe\n",
                  R"(config.yaml:2: api.enabled: expected a boolean (true or false), got "maybe")"},
        ErrorCase{"BoolQuoted", "api: {enabled: \"true\"}",
                  "config.yaml:1: api.enabled: expected a boolean (true or false), got the "
                  R"(string "true")"},
        ErrorCase{"BoolNumber", "nats: {server: {managed: 1}}",
                  "config.yaml:1: nats.server.managed: expected a boolean (true or false), "
                  R"(got "1")"},
        ErrorCase{"BoolMapping", "nats:\n  cluster:\n    enabled: {a: 1}\n",
                  "config.yaml:3: nats.cluster.enabled: expected a boolean (true or false), "
                  "got a mapping"},
        // Strings.
        ErrorCase{"StringAsMapping", "api:\n  host: {a: 1}\n",
                  "config.yaml:2: api.host: expected a string, got a mapping"},
        ErrorCase{"BinaryAsList", "nats: {server: {binary: [a]}}",
                  "config.yaml:1: nats.server.binary: expected a string, got a list"},
        ErrorCase{"EmptyStore", "nats: {jetstream: {store: \"\"}}",
                  "config.yaml:1: nats.jetstream.store: must not be empty"},
        ErrorCase{"StoreAndStoreDir", "nats:\n  jetstream:\n    store: /a\n    store_dir: /b\n",
                  "config.yaml:4: nats.jetstream.store_dir: is an alias of "
                  "nats.jetstream.store; set only one of them"},
        // Tokens (§2.1, BUG-62).
        ErrorCase{"NameWithDot", "nats:\n  name: a.b\n",
                  R"(config.yaml:2: nats.name: "a.b")" + kBadName},
        ErrorCase{"NameWithSpace", "nats: {name: \"a b\"}",
                  R"(config.yaml:1: nats.name: "a b")" + kBadName},
        ErrorCase{"NameWithWildcard", "nats: {name: \"a>\"}",
                  R"(config.yaml:1: nats.name: "a>")" + kBadName},
        ErrorCase{"NameWithColon", "nats: {name: \"a:b\"}",
                  R"(config.yaml:1: nats.name: "a:b")" + kBadName},
        ErrorCase{"NameTooLong", "nats: {name: " + std::string(121, 'n') + "}",
                  "config.yaml:1: nats.name: \"" + std::string(80, 'n') + "...\"" + kBadName},
        ErrorCase{"NameEmpty", "nats:\n  name: \"\"\n",
                  "config.yaml:2: nats.name: must not be empty"},
        ErrorCase{"NameAsList", "nats: {name: [a]}",
                  "config.yaml:1: nats.name: expected a string, got a list"},
        ErrorCase{"GroupWithDot", "worker:\n  groups:\n    - web\n    - a.b\n",
                  R"(config.yaml:4: worker.groups[1]: "a.b")" + kBadName},
        ErrorCase{"GroupEmpty", "worker: {groups: [\"\"]}",
                  "config.yaml:1: worker.groups[0]: must not be empty"},
        // Lists.
        ErrorCase{"GroupsAsMapping", "worker:\n  groups: {web: true}\n",
                  "config.yaml:2: worker.groups: expected a list, got a mapping"},
        ErrorCase{"GroupsAsScalar", "worker:\n  groups: web\n",
                  R"(config.yaml:2: worker.groups: expected a list, got "web")"},
        ErrorCase{"GroupItemList", "worker: {groups: [[web]]}",
                  "config.yaml:1: worker.groups[0]: expected a string, got a list"},
        ErrorCase{"GroupItemNull", "worker: {groups: [web, ~]}",
                  "config.yaml:1: worker.groups[1]: expected a string, got null"},
        ErrorCase{"UrlsEmpty", "nats:\n  client:\n    urls: []\n",
                  "config.yaml:3: nats.client.urls: must list at least one server URL"},
        ErrorCase{"UrlsScalar", "nats: {client: {urls: \"nats://a:4222\"}}",
                  "config.yaml:1: nats.client.urls: expected a list, got the string "
                  R"("nats://a:4222")"},
        ErrorCase{"RouteEmpty", "nats: {cluster: {routes: [\"\"]}}",
                  "config.yaml:1: nats.cluster.routes[0]: must not be empty"},
        ErrorCase{"AllowedPathRelative", "worker:\n  allowed_paths: [/etc, etc]\n",
                  R"(config.yaml:2: worker.allowed_paths[1]: "etc" is not an absolute path)"},
        // Durations.
        ErrorCase{"DurationBadUnit", "worker:\n  heartbeat_interval: 5x\n",
                  R"(config.yaml:2: worker.heartbeat_interval: invalid duration "5x" )"
                  "(examples: 300ms, 30s, 10m, 1h30m)"},
        ErrorCase{"DurationWithoutUnit", "worker: {inactive_threshold: 30}",
                  R"(config.yaml:1: worker.inactive_threshold: invalid duration "30" )"
                  "(examples: 300ms, 30s, 10m, 1h30m)"},
        ErrorCase{"DurationInDays", "controller: {stale_threshold: 1d}",
                  R"(config.yaml:1: controller.stale_threshold: invalid duration "1d" )"
                  "(examples: 300ms, 30s, 10m, 1h30m)"},
        ErrorCase{"DurationZero", "controller: {heartbeat_interval: 0s}",
                  "config.yaml:1: controller.heartbeat_interval: must be a positive duration, "
                  R"(got "0s")"},
        ErrorCase{"DurationNegative", "worker: {heartbeat_interval: -5s}",
                  "config.yaml:1: worker.heartbeat_interval: must be a positive duration, "
                  R"(got "-5s")"},
        ErrorCase{"DurationAsList", "controller: {stale_threshold: [1s]}",
                  "config.yaml:1: controller.stale_threshold: expected a duration, got a list"},
        // Structure.
        ErrorCase{"SectionAsScalar", "api: 5\n",
                  R"(config.yaml:1: api: expected a mapping, got "5")"},
        ErrorCase{"SectionAsList", "nats:\n  - a\n",
                  "config.yaml:2: nats: expected a mapping, got a list"},
        ErrorCase{"SubsectionAsScalar", "nats:\n  server: localhost\n",
                  R"(config.yaml:2: nats.server: expected a mapping, got "localhost")"},
        ErrorCase{"TopLevelList", "- api\n",
                  "config.yaml:1: the top level must be a mapping, got a list"},
        ErrorCase{"TopLevelScalar", "hello\n",
                  R"(config.yaml:1: the top level must be a mapping, got "hello")"},
        ErrorCase{"DuplicateKey", "api:\n  port: 1\n  port: 2\n",
                  "config.yaml:3: api.port: duplicate key"},
        ErrorCase{"DuplicateSection", "api: {}\napi: {}\n", "config.yaml:2: api: duplicate key"},
        ErrorCase{"ComplexKey", "api:\n  ? [a]\n  : b\n",
                  "config.yaml:2: api: expected a string key, got a list"},
        ErrorCase{"TwoDocuments", "api: {}\n---\nnats: {}\n",
                  "config.yaml:2: only one YAML document is allowed"},
        // Malformed YAML: line and column.
        ErrorCase{"StrayComma", ",", R"(config.yaml:1:1: malformed YAML: unexpected ",")"},
        ErrorCase{"StrayCommaBeforeMapping", ", api: {}",
                  R"(config.yaml:1:1: malformed YAML: unexpected ",")"},
        ErrorCase{"StrayCommaAfterMarker", "---\n  ,\n",
                  R"(config.yaml:2:3: malformed YAML: unexpected ",")"},
        ErrorCase{"UnclosedFlowList", "api:\n  host: [a, b\n",
                  "config.yaml:3:1: malformed YAML: end of sequence flow not found"},
        ErrorCase{"BadIndentation", "api:\n  host: a\n port: 1\n",
                  "config.yaml:3:2: malformed YAML: end of map not found"},
        ErrorCase{"UnknownAlias", "api: *nothing\n",
                  "config.yaml:1:6: malformed YAML: the referenced anchor is not defined"}),
    [](const auto& test_case) { return std::string(test_case.param.name); });

TEST(ConfigErrors, EveryProblemIsReportedInLineOrder) {
  try {
    test::load("worker:\n  heartbeat_interval: soon\napi:\n  port: x\nnats:\n  name: a.b\n");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 3U);
    EXPECT_TRUE(e.problems()[0].starts_with("config.yaml:2: worker.heartbeat_interval: "));
    EXPECT_TRUE(e.problems()[1].starts_with("config.yaml:4: api.port: "));
    EXPECT_TRUE(e.problems()[2].starts_with("config.yaml:6: nats.name: "));
    EXPECT_EQ(std::string(e.what()),
              e.problems()[0] + "\n" + e.problems()[1] + "\n" + e.problems()[2]);
  }
}

TEST(ConfigErrors, ConfigErrorIsAGridError) {
  EXPECT_THROW(test::load("api: {port: x}"), grid::Error);
}

TEST(ConfigErrors, SourceNamePrefixesMessages) {
  try {
    load_config_string("api: {port: x}", "/etc/grid/grid.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("/etc/grid/grid.yaml:1: api.port: ")) << e.what();
  }
}

TEST(ConfigErrors, ControlCharactersInValuesAreEscaped) {
  const Strings problems = test::problems_of("nats: {name: \"a\\x01\\\"b\"}");
  EXPECT_EQ(problems, Strings{R"(config.yaml:1: nats.name: "a\x01\"b")" + kBadName});
}

}  // namespace
}  // namespace grid::config
