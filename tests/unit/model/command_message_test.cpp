#include "grid/model/command_message.hpp"

#include <gtest/gtest.h>

#include "grid/common/error.hpp"

namespace grid::model {
namespace {

CommandMessage example() {
  return CommandMessage{.target = {"group", "web"},
                        .job_id = "3f9c2a7b1e4d8c60",
                        .task_index = 12,
                        .backend = "apt",
                        .action = "install",
                        .timeout = std::chrono::minutes(5),
                        .params = {{"package", "nginx"}}};
}

TEST(CommandMessage, HeadersHaveExactNamesAndOrder) {
  const Headers expected{{"job-id", "3f9c2a7b1e4d8c60"},
                         {"task-index", "12"},
                         {"backend", "apt"},
                         {"action", "install"},
                         {"timeout", "5m0s"}};
  EXPECT_EQ(command_headers(example()), expected);
  CommandMessage without_timeout = example();
  without_timeout.timeout.reset();
  EXPECT_EQ(command_headers(without_timeout).size(), 4u);
}

TEST(CommandMessage, BodyIsParamsObjectOrNull) {
  EXPECT_EQ(command_body(example()), R"({"package":"nginx"})");
  CommandMessage no_params = example();
  no_params.params.clear();
  EXPECT_EQ(command_body(no_params), "null");
}

TEST(CommandMessage, DecodeRoundTripsEverythingButTheSubject) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : command_headers(example())) headers[name] = value;
  CommandMessage expected = example();
  expected.target = {};
  EXPECT_EQ(decode_command(headers, command_body(example())), expected);
}

TEST(CommandMessage, DecodeIsLenientAboutHeaders) {
  const CommandMessage command = decode_command(
      {{"job-id", "j"}, {"task-index", "x1"}, {"Backend", "apt"}, {"timeout", "soon"}}, "null");
  EXPECT_EQ(command.job_id, "j");
  EXPECT_EQ(command.task_index, 0);
  EXPECT_EQ(command.backend, "");  // header names are case-sensitive
  EXPECT_FALSE(command.timeout.has_value());
  EXPECT_TRUE(command.params.empty());
  EXPECT_TRUE(decode_command({}, "").params.empty());
  EXPECT_EQ(decode_command({{"task-index", "99999999999"}}, "").task_index, 0);
  EXPECT_EQ(decode_command({{"task-index", "7"}}, "{}").task_index, 7);
}

TEST(CommandMessage, DecodeRejectsBadBodies) {
  for (const std::string body : {"[1]", R"({"a":1})", "{", "\"x\"", "[[[[[[[[[[[[[[[[[[[["}) {
    EXPECT_THROW(decode_command({}, body), Error) << body;
  }
  try {
    decode_command({}, R"({"package":5})");
    FAIL() << "accepted a number parameter";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "params.package: expected string");
  }
}

}  // namespace
}  // namespace grid::model
