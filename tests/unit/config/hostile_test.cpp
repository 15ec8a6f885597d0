// Hostile input must end in a ConfigError (or a clean load), promptly and without exhausting
// memory or the stack; the ASan build runs these too.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "load_test_support.hpp"

namespace grid::config {
namespace {

using Clock = std::chrono::steady_clock;

// Generous (sanitizer builds on loaded 2-core machines): it catches exponential blow-ups.
constexpr auto kPrompt = std::chrono::seconds(20);

// "Billion laughs": nine levels of aliases that would expand to 9^9 strings if copied.
std::string laughs(const std::string& use) {
  std::string yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char level = 'b'; level <= 'j'; ++level) {
    const std::string prev(1, static_cast<char>(level - 1));
    yaml += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 9; ++i) yaml += (i == 0 ? "*" : ", *") + prev;
    yaml += "]\n";
  }
  return yaml + use;
}

// The input is built when the test runs, not at static initialisation of every test process.
struct HostileCase {
  const char* name;
  std::string (*yaml)();
};

void PrintTo(const HostileCase& c, std::ostream* os) {
  *os << c.name;
}

std::string nested(int depth, const std::string& open, const std::string& prefix = "") {
  std::string s = prefix;
  for (int i = 0; i < depth; ++i) s += open;
  return s;
}

class ConfigHostile : public ::testing::TestWithParam<HostileCase> {};

TEST_P(ConfigHostile, IsAConfigErrorPromptly) {
  const std::string yaml = GetParam().yaml();
  const auto start = Clock::now();
  EXPECT_FALSE(test::problems_of(yaml).empty());
  EXPECT_LT(Clock::now() - start, kPrompt);
}

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigHostile,
    ::testing::Values(
        HostileCase{"LaughsAsGroups", [] { return laughs("worker: {groups: *j}\n"); }},
        HostileCase{"LaughsAsUrls", [] { return laughs("nats: {client: {urls: *j}}\n"); }},
        HostileCase{"LaughsAsSection", [] { return laughs("nats: *j\n"); }},
        HostileCase{"LaughsAsName", [] { return laughs("nats: {name: *j}\n"); }},
        HostileCase{"LaughsAsKey", [] { return laughs("api: {*j : 1}\n"); }},
        HostileCase{"SelfReferencingList",
                    [] { return std::string("worker: {groups: &g [a, *g]}\n"); }},
        HostileCase{"DeepFlowLists", [] { return nested(100000, "[", "api: "); }},
        HostileCase{"DeepFlowMappings", [] { return nested(50000, "{a: "); }},
        HostileCase{"DeepBlockMappings",
                    [] {
                      std::string s;
                      for (int i = 0; i < 2500; ++i) s += std::string(i, ' ') + "a:\n";
                      return s;
                    }},
        HostileCase{
            "DeepInsideAKnownList",
            [] { return nested(3000, "[", "nats: {client: {urls: ") + nested(3000, "]") + "}}"; }},
        HostileCase{"NulBytes", [] { return std::string("api: {port: 1}\n\0\0\0: x\n", 22); }},
        HostileCase{"InvalidUtf8",
                    [] { return std::string("api: {host: \xff\xfe\xc3}\nnats: \x80\x81\n"); }},
        HostileCase{"TabIndentation", [] { return std::string("api:\n\tport: 1\n"); }},
        HostileCase{"UnterminatedQuote", [] { return std::string("nats: {name: \"abc"); }},
        HostileCase{"LoneDirective", [] { return std::string("%YAML 9.9\n--- x\n"); }},
        HostileCase{"OnlyAnAlias", [] { return std::string("*a"); }}),
    [](const auto& test_case) { return std::string(test_case.param.name); });

TEST(ConfigHostileInput, LaughsUnderAnUnknownKeyAreNeverExpanded) {
  const auto start = Clock::now();
  const LoadResult r = test::load(laughs("worker: {extra: *j}\n"));
  EXPECT_LT(Clock::now() - start, kPrompt);
  EXPECT_EQ(r.warnings.size(), 11U);  // a..j and worker.extra
}

TEST(ConfigHostileInput, RandomBytesNeverCrash) {
  std::mt19937 rng(20261127);  // fixed seed: the same inputs on every run
  std::uniform_int_distribution<int> byte(0, 255);
  int errors = 0;
  for (int round = 0; round < 300; ++round) {
    std::string blob(static_cast<std::size_t>(1 + round * 7), '\0');
    for (char& c : blob) c = static_cast<char>(byte(rng));
    try {
      test::load(blob);
    } catch (const ConfigError&) {
      ++errors;  // nearly every blob; a clean load would be acceptable too
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(ConfigHostileInput, RandomYamlPunctuationNeverCrashes) {
  const std::string alphabet = "[]{}:,-?&*!|>'\"%@`# \n\tab1";
  std::mt19937 rng(4222);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  int errors = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string text(static_cast<std::size_t>(1 + round % 97), ' ');
    for (char& c : text) c = alphabet[pick(rng)];
    try {
      test::load(text);
    } catch (const ConfigError&) {
      ++errors;
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(ConfigHostileInput, DeepNestingIsReportedAsSuch) {
  const std::vector<std::string> problems = test::problems_of("api: " + std::string(5000, '['));
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_TRUE(problems[0].starts_with("config.yaml:1:")) << problems[0];
  EXPECT_TRUE(problems[0].ends_with(": malformed YAML: nested too deeply")) << problems[0];
}

TEST(ConfigHostileInput, ManyUnknownKeysAreAllReportedPromptly) {
  std::string yaml;
  for (int i = 0; i < 5000; ++i) yaml += "k" + std::to_string(i) + ": 1\n";
  const auto start = Clock::now();
  const LoadResult r = test::load(yaml);
  EXPECT_LT(Clock::now() - start, kPrompt);
  ASSERT_EQ(r.warnings.size(), 5000U);
  EXPECT_EQ(r.warnings.back(), "config.yaml:5000: unknown key k4999");
}

TEST(ConfigHostileInput, HugeValuesAreTruncatedInMessages) {
  const std::vector<std::string> problems =
      test::problems_of("api: {port: " + std::string(100000, '7') + "x}");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_LT(problems[0].size(), 200U);
  EXPECT_TRUE(problems[0].starts_with("config.yaml:1: api.port: expected an integer, got \""));
}

}  // namespace
}  // namespace grid::config
