#include "grid/backends/test_backend.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace grid::backends {
namespace {

using namespace std::chrono_literals;

ActionResult run(Backend& backend, std::string_view action, const Params& params = {}) {
  RunContext ctx({"job", 0, "node"}, std::nullopt);
  return backend.run(action, params, ctx);
}

TEST(TestBackendTest, NameAndActions) {
  TestBackend test;
  EXPECT_EQ(test.name(), "test");
  std::vector<std::string> names;
  for (const auto& a : test.actions()) names.push_back(a.name);
  EXPECT_EQ(names, (std::vector<std::string>{"succeed", "fail", "sleep", "flaky", "output"}));
}

TEST(TestBackendTest, SucceedReturnsTheMessage) {
  TestBackend test;
  const auto r = run(test, "succeed");
  EXPECT_EQ(r.output, "ok");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(run(test, "succeed", {{"message", "done"}}).output, "done");
}

TEST(TestBackendTest, SucceedWaitsForTheDelay) {
  TestBackend test;
  const auto start = std::chrono::steady_clock::now();
  const auto r = run(test, "succeed", {{"delay", "100ms"}});
  EXPECT_FALSE(r.error);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
}

TEST(TestBackendTest, FailReportsTheMessageAsError) {
  TestBackend test;
  const auto r = run(test, "fail");
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(r.error, "intentional failure");
  EXPECT_EQ(run(test, "fail", {{"message", "boom"}, {"delay", "1ms"}}).error, "boom");
}

TEST(TestBackendTest, BadDelayHasNoBackendPrefix) {
  TestBackend test;
  for (const char* action : {"succeed", "fail", "flaky"}) {
    EXPECT_EQ(run(test, action, {{"delay", "abc"}}).error,
              R"(invalid delay "abc": time: invalid duration "abc")")
        << action;
    EXPECT_EQ(run(test, action, {{"delay", "5"}}).error,
              R"(invalid delay "5": time: missing unit in duration "5")")
        << action;
  }
}

TEST(TestBackendTest, SleepReportsTheDuration) {
  TestBackend test;
  EXPECT_EQ(run(test, "sleep", {{"duration", "20ms"}}).output, "slept 20ms");
  EXPECT_EQ(*run(test, "sleep", {{"duration", "1d"}}).error,
            R"(test sleep: invalid duration "1d": time: unknown unit "d" in duration "1d")");
}

TEST(TestBackendTest, DelayAndSleepStopOnCancellation) {
  TestBackend test;
  for (const char* action : {"succeed", "sleep"}) {
    RunContext ctx({"job", 0, "node"}, std::nullopt);
    std::thread canceller([&] {
      std::this_thread::sleep_for(50ms);
      ctx.cancel();
    });
    const auto r = test.run(action, {{"delay", "1h"}, {"duration", "1h"}}, ctx);
    canceller.join();
    EXPECT_EQ(r.error, "context canceled") << action;
  }
}

TEST(TestBackendTest, FlakyUsesTheRollAgainstTheRate) {
  int next = 0;
  TestBackend test([&] { return next; });
  next = 29;
  EXPECT_EQ(run(test, "flaky", {{"rate", "30"}}).error, "flaky failure (rate=30%)");
  next = 30;
  const auto r = run(test, "flaky", {{"rate", "30"}});
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.output, "flaky success (rate=30%)");
  next = 49;
  EXPECT_EQ(run(test, "flaky").error, "flaky failure (rate=50%)");
  next = 50;
  EXPECT_EQ(run(test, "flaky").output, "flaky success (rate=50%)");
}

TEST(TestBackendTest, FlakyExtremesWithTheRealRandomSource) {
  TestBackend test;
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(run(test, "flaky", {{"rate", "0"}}).output, "flaky success (rate=0%)");
    EXPECT_EQ(run(test, "flaky", {{"rate", "100"}}).error, "flaky failure (rate=100%)");
  }
}

TEST(TestBackendTest, FlakyRejectsBadRates) {
  TestBackend test([] { return 0; });
  for (const char* rate : {"101", "-1", "abc", "50abc", " 5"}) {
    EXPECT_EQ(run(test, "flaky", {{"rate", rate}}).error,
              std::string("test flaky: rate must be 0-100, got \"") + rate + "\"");
  }
}

TEST(TestBackendTest, OutputProducesLinesOfX) {
  TestBackend test;
  EXPECT_EQ(run(test, "output").output, std::string(80, 'x'));
  EXPECT_EQ(run(test, "output", {{"lines", "3"}, {"width", "2"}}).output, "xx\nxx\nxx");
}

TEST(TestBackendTest, OutputClampsAndKeepsDefaultsForUnparsableNumbers) {
  TestBackend test;
  EXPECT_EQ(run(test, "output", {{"lines", "0"}, {"width", "0"}}).output, "x");
  EXPECT_EQ(run(test, "output", {{"lines", "abc"}, {"width", "zz"}}).output, std::string(80, 'x'));
  const auto big = run(test, "output", {{"lines", "20000"}, {"width", "5000"}}).output;
  EXPECT_EQ(big.size(), 10'000u * 1'000u + 9'999u);
}

TEST(TestBackendTest, UnknownAction) {
  TestBackend test;
  EXPECT_EQ(run(test, "explode").error, R"(test: unknown action "explode")");
}

}  // namespace
}  // namespace grid::backends
