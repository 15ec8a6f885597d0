// One command from message to TaskResult without NATS (SPEC §8.2, BUG-4, 5, 35, 60).
#include "grid/worker/command.hpp"

#include <gtest/gtest.h>

#include "grid/backends/output_limit.hpp"
#include "grid/common/duration.hpp"

namespace grid::worker {
namespace {

using namespace std::chrono_literals;

bus::Message message(const std::map<std::string, std::string>& headers, std::string_view body) {
  bus::Message m("cmd.node.w1.ping.echo", body);
  for (const auto& [name, value] : headers) m.set_header(name, value);
  return m;
}

const std::map<std::string, std::string> kHeaders = {
    {"job-id", "3f9c2a7b1e4d8c60"}, {"task-index", "2"}, {"backend", "ping"}, {"action", "echo"}};

model::TaskResult run(const Command& command, std::optional<Duration> deadline_in = {}) {
  static backends::Registry registry = backends::builtin_registry();
  std::optional<backends::RunContext::Clock::time_point> deadline;
  if (deadline_in) deadline = backends::RunContext::Clock::now() + *deadline_in;
  backends::RunContext ctx({command.message.job_id, 0, "w1"}, deadline);
  return execute(command, registry, "w1", ctx);
}

TEST(ReadCommand, HeadersAndParams) {
  auto headers = kHeaders;
  headers["timeout"] = "5m0s";
  auto command = read_command(message(headers, R"({"message":"hi"})"));
  EXPECT_EQ(command.decode_error, "");
  EXPECT_EQ(command.message.job_id, "3f9c2a7b1e4d8c60");
  EXPECT_EQ(command.message.task_index, 2);
  EXPECT_EQ(command.message.backend, "ping");
  EXPECT_EQ(command.message.action, "echo");
  EXPECT_EQ(command.message.timeout, Duration(5min));
  EXPECT_EQ(command.message.params.at("message"), "hi");
}

TEST(ReadCommand, UnparsableOrNegativeIndexIsZeroAndNullBodyHasNoParams) {
  for (const char* index : {"x", "-3", ""}) {
    auto headers = kHeaders;
    headers["task-index"] = index;
    auto command = read_command(message(headers, "null"));
    EXPECT_EQ(command.message.task_index, 0) << index;
    EXPECT_TRUE(command.message.params.empty());
    EXPECT_FALSE(command.message.timeout);
  }
}

TEST(ReadCommand, BadBodyIsADecodeErrorKeepingTheHeaders) {
  for (const char* body : {"[1]", R"({"a":1})", "{", R"({"a":{"b":"c"}})"}) {
    auto command = read_command(message(kHeaders, body));
    EXPECT_EQ(command.decode_error.rfind("decode params: ", 0), 0u) << body;
    EXPECT_EQ(command.message.job_id, "3f9c2a7b1e4d8c60");
    auto result = run(command);
    EXPECT_EQ(result.status, "failed");
    EXPECT_EQ(result.error, command.decode_error);
    EXPECT_EQ(result.task_index, 2);
  }
}

TEST(Execute, SuccessCarriesOutputDurationAndIdentity) {
  auto result = run(read_command(message(kHeaders, R"({"message":"hello"})")));
  EXPECT_EQ(result.status, "success");
  EXPECT_EQ(result.output, "hello");
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.job_id, "3f9c2a7b1e4d8c60");
  EXPECT_EQ(result.node_id, "w1");
  EXPECT_GT(result.duration.count(), 0);
}

TEST(Execute, UnknownBackendAndAction) {
  auto headers = kHeaders;
  headers["backend"] = "frob";
  auto result = run(read_command(message(headers, "null")));
  EXPECT_EQ(result.status, "failed");
  EXPECT_EQ(result.error, "unknown backend: frob");
  EXPECT_EQ(result.output, "");
  headers = kHeaders;
  headers["action"] = "nope";
  EXPECT_EQ(run(read_command(message(headers, "null"))).error, "ping: unknown action \"nope\"");
}

TEST(Execute, DeadlineGivesTimeoutError) {
  auto headers = kHeaders;
  headers["backend"] = "test";
  headers["action"] = "sleep";
  headers["timeout"] = "100ms";
  auto command = read_command(message(headers, R"({"duration":"20s"})"));
  auto result = run(command, 100ms);
  EXPECT_EQ(result.status, "failed");
  EXPECT_EQ(result.error, "timeout after 100ms");
  EXPECT_GE(result.duration, 100ms);
  EXPECT_LT(result.duration, 10s);
}

TEST(Execute, LargeOutputIsTruncated) {
  auto headers = kHeaders;
  headers["backend"] = "test";
  headers["action"] = "output";
  auto result = run(read_command(message(headers, R"({"lines":"10000","width":"1000"})")));
  EXPECT_EQ(result.status, "success");
  EXPECT_EQ(result.output.size(), backends::kMaxOutputBytes + backends::kTruncationMarker.size());
  EXPECT_TRUE(result.output.ends_with(backends::kTruncationMarker));
}

TEST(TruncateOutput, KeepsShortOutputAndNeverSplitsUtf8) {
  EXPECT_EQ(backends::truncate_output("abc"), "abc");
  EXPECT_EQ(backends::truncate_output(std::string(backends::kMaxOutputBytes, 'x')), std::string(backends::kMaxOutputBytes, 'x'));
  std::string text(backends::kMaxOutputBytes - 1, 'x');
  text += "\xC3\xA9tail";  // é straddles the cut
  auto cut = backends::truncate_output(text);
  EXPECT_EQ(cut, std::string(backends::kMaxOutputBytes - 1, 'x') + std::string(backends::kTruncationMarker));
}

TEST(StaleReason, OnlyCommandsOlderThanTheirTimeout) {
  auto headers = kHeaders;
  EXPECT_FALSE(stale_reason(read_command(message(headers, "null")), now() - 1h, now()));
  headers["timeout"] = "1m0s";
  auto command = read_command(message(headers, "null"));
  const auto t = now();
  EXPECT_FALSE(stale_reason(command, t - 30s, t));
  auto reason = stale_reason(command, t - 90s, t);
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason, "skipped: command is older than its timeout (queued 1m30s ago, timeout 1m0s)");
}

}  // namespace
}  // namespace grid::worker
