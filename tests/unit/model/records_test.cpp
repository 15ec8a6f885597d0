// JSON of the small records: NodeResult (§3.4), TaskResult (§3.6), NodeInfo (§3.7),
// ControllerInfo (§3.8).
#include <gtest/gtest.h>

#include "grid/common/error.hpp"
#include "grid/model/controller_info.hpp"
#include "grid/model/node_info.hpp"
#include "grid/model/node_result.hpp"
#include "grid/model/task_result.hpp"

namespace grid::model {
namespace {

TEST(NodeResultJson, OmissionRules) {
  NodeResult result{.status = NodeResultStatus::kSkipped};
  EXPECT_EQ(to_json_text(result), R"({"status":"skipped","duration":"0s"})");
  result = {NodeResultStatus::kFailed, "out", "exit status 1", std::chrono::milliseconds(1500), 1};
  EXPECT_EQ(to_json_text(result),
            R"({"status":"failed","output":"out","error":"exit status 1","duration":"1.5s"})");
  result.attempts = 3;
  const std::string text =
      R"({"status":"failed","output":"out","error":"exit status 1","duration":"1.5s","attempts":3})";
  EXPECT_EQ(to_json_text(result), text);
  EXPECT_EQ(decode_node_result(parse_json(text), ""), result);
}

TEST(NodeResultStatus, TextRoundTrips) {
  for (const auto status :
       {NodeResultStatus::kSuccess, NodeResultStatus::kFailed, NodeResultStatus::kSkipped}) {
    EXPECT_EQ(parse_node_result_status(to_string(status)), status);
  }
  EXPECT_EQ(parse_node_result_status("running"), std::nullopt);
}

constexpr std::string_view kSpecTaskResult =
    R"({"job_id":"3f9c2a7b1e4d8c60","task_index":0,"node_id":"web-01","status":"failed",)"
    R"("output":"E: Unable to locate package nginxx\n","error":"exit status 100",)"
    R"("duration":2310000000,"timestamp":"2026-03-01T10:00:02.41Z"})";

TEST(TaskResultJson, SpecExampleRoundTripsByteForByte) {
  const TaskResult result = parse_task_result(kSpecTaskResult);
  EXPECT_EQ(result.job_id, "3f9c2a7b1e4d8c60");
  EXPECT_EQ(result.task_index, 0);
  EXPECT_EQ(result.node_id, "web-01");
  EXPECT_TRUE(result.failed());
  EXPECT_EQ(result.output, "E: Unable to locate package nginxx\n");
  EXPECT_EQ(result.error, "exit status 100");
  EXPECT_EQ(result.duration, std::chrono::milliseconds(2310));
  EXPECT_EQ(format_rfc3339(result.timestamp), "2026-03-01T10:00:02.41Z");
  EXPECT_EQ(to_json_text(result), kSpecTaskResult);
}

TEST(TaskResultJson, OutputAlwaysPresentErrorOmittedWhenEmpty) {
  TaskResult result{.job_id = "j", .task_index = 3, .node_id = "n", .status = "success"};
  EXPECT_EQ(to_json_text(result),
            R"({"job_id":"j","task_index":3,"node_id":"n","status":"success","output":"",)"
            R"("duration":0,"timestamp":"0001-01-01T00:00:00Z"})");
  EXPECT_FALSE(result.failed());
  result.status = "weird";
  EXPECT_FALSE(result.failed());
}

TEST(TaskResultJson, AcceptsTimestampsWithOffsets) {
  const TaskResult result =
      parse_task_result(R"({"timestamp":"2026-03-01T11:00:02.41+01:00","extra":{"a":[1]}})");
  EXPECT_EQ(format_rfc3339(result.timestamp), "2026-03-01T10:00:02.41Z");
}

TEST(TaskResultJson, WrongTypesAreErrors) {
  EXPECT_THROW(parse_task_result(R"({"task_index":"0"})"), Error);
  EXPECT_THROW(parse_task_result(R"({"duration":1.5})"), Error);
  EXPECT_THROW(parse_task_result(R"({"output":null,"status":3})"), Error);
  EXPECT_THROW(parse_task_result(R"({"timestamp":"now"})"), Error);
  EXPECT_THROW(parse_task_result(R"({"job_id":"3f9c2a7b1e4d8c60")"), Error);
}

TEST(NodeInfoJson, NullVersusEmptyLists) {
  NodeInfo info{.id = "web-01",
                .hostname = "web-01.example.com",
                .groups = std::nullopt,
                .backends = std::vector<std::string>{"apt", "ping"},
                .status = "online",
                .last_seen = *parse_rfc3339("2026-03-01T10:00:00Z")};
  const std::string with_null =
      R"({"id":"web-01","hostname":"web-01.example.com","groups":null,"backends":["apt","ping"],)"
      R"("status":"online","last_seen":"2026-03-01T10:00:00Z"})";
  EXPECT_EQ(to_json_text(info), with_null);
  EXPECT_EQ(parse_node_info(with_null), info);

  info.groups = std::vector<std::string>{};
  info.backends = std::nullopt;
  const std::string with_empty =
      R"({"id":"web-01","hostname":"web-01.example.com","groups":[],"backends":null,)"
      R"("status":"online","last_seen":"2026-03-01T10:00:00Z"})";
  EXPECT_EQ(to_json_text(info), with_empty);
  EXPECT_EQ(parse_node_info(with_empty), info);

  const NodeInfo missing = parse_node_info(R"({"id":"x"})");
  EXPECT_FALSE(missing.groups.has_value());
  EXPECT_FALSE(missing.backends.has_value());
}

TEST(NodeInfoJson, WrongTypesAreErrors) {
  EXPECT_THROW(parse_node_info(R"({"groups":"web"})"), Error);
  EXPECT_THROW(parse_node_info(R"({"backends":[1]})"), Error);
  EXPECT_THROW(parse_node_info(R"({"last_seen":12})"), Error);
}

TEST(ControllerInfoJson, RoundTripsByteForByte) {
  const std::string text =
      R"({"id":"ctrl-a","hostname":"ctrl-a.example.com","status":"online",)"
      R"("last_seen":"2026-03-01T10:00:05.5Z","started_at":"2026-03-01T09:00:00Z"})";
  const ControllerInfo info = parse_controller_info(text);
  EXPECT_EQ(info.id, "ctrl-a");
  EXPECT_EQ(info.status, "online");
  EXPECT_EQ(to_json_text(info), text);
  EXPECT_EQ(to_json_text(ControllerInfo{}),
            R"({"id":"","hostname":"","status":"","last_seen":"0001-01-01T00:00:00Z",)"
            R"("started_at":"0001-01-01T00:00:00Z"})");
  EXPECT_THROW(parse_controller_info(R"({"started_at":"2026-03-01"})"), Error);
}

}  // namespace
}  // namespace grid::model
