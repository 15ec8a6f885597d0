#include "grid/backends/ping.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <thread>

namespace grid::backends {
namespace {

using namespace std::chrono_literals;

class PingTest : public ::testing::Test {
 protected:
  ActionResult run(std::string_view action, const Params& params = {}) {
    RunContext ctx({"job", 0, "node"}, std::nullopt);
    return ping.run(action, params, ctx);
  }
  PingBackend ping;
};

TEST_F(PingTest, NameAndActions) {
  EXPECT_EQ(ping.name(), "ping");
  std::vector<std::string> names;
  for (const auto& a : ping.actions()) names.push_back(a.name);
  EXPECT_EQ(names, (std::vector<std::string>{"echo", "hostname", "sleep"}));
}

TEST_F(PingTest, EchoDefaultsToPong) {
  const auto r = run("echo");
  EXPECT_EQ(r.output, "pong");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(run("echo", {{"message", ""}}).output, "pong");
}

TEST_F(PingTest, EchoReturnsTheMessage) {
  EXPECT_EQ(run("echo", {{"message", "hello world"}}).output, "hello world");
}

TEST_F(PingTest, HostnameIsTheOsHostName) {
  char expected[HOST_NAME_MAX + 1] = {};
  ASSERT_EQ(::gethostname(expected, sizeof(expected)), 0);
  const auto r = run("hostname");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.output, expected);
}

TEST_F(PingTest, SleepReportsGoFormattedDuration) {
  const auto r = run("sleep", {{"duration", "100ms"}});
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.output, "slept 100ms");
  EXPECT_EQ(run("sleep", {{"duration", "0"}}).output, "slept 0s");
  EXPECT_EQ(run("sleep", {{"duration", "1.5ms"}}).output, "slept 1.5ms");
}

TEST_F(PingTest, SleepDefaultsToOneSecond) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run("sleep");
  EXPECT_EQ(r.output, "slept 1s");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(PingTest, SleepRejectsBadDurationsWithGoTexts) {
  EXPECT_EQ(*run("sleep", {{"duration", "abc"}}).error,
            R"(ping sleep: invalid duration "abc": time: invalid duration "abc")");
  EXPECT_EQ(*run("sleep", {{"duration", "30"}}).error,
            R"(ping sleep: invalid duration "30": time: missing unit in duration "30")");
  EXPECT_EQ(*run("sleep", {{"duration", "1d"}}).error,
            R"(ping sleep: invalid duration "1d": time: unknown unit "d" in duration "1d")");
  EXPECT_EQ(run("sleep", {{"duration", "abc"}}).output, "");
}

TEST_F(PingTest, SleepStopsOnCancellation) {
  RunContext ctx({"job", 0, "node"}, std::nullopt);
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);  // most likely inside the wait by now; correct either way
    ctx.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const auto r = ping.run("sleep", {{"duration", "1h"}}, ctx);
  canceller.join();
  EXPECT_EQ(r.error, "context canceled");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST_F(PingTest, SleepStopsAtTheDeadline) {
  RunContext ctx({"job", 0, "node"}, std::chrono::steady_clock::now() + 50ms);
  const auto r = ping.run("sleep", {{"duration", "1h"}}, ctx);
  EXPECT_EQ(r.error, "context deadline exceeded");
}

TEST_F(PingTest, UnknownActionIsQuoted) {
  EXPECT_EQ(*run("frob").error, R"(ping: unknown action "frob")");
  EXPECT_EQ(*run("a\"b").error, R"(ping: unknown action "a\"b")");
}

}  // namespace
}  // namespace grid::backends
