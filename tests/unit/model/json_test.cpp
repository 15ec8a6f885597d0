#include "grid/model/json.hpp"

#include <gtest/gtest.h>

#include "grid/common/error.hpp"
#include "grid/model/job.hpp"
#include "grid/model/task_result.hpp"

namespace grid::model {
namespace {

TEST(ParseJson, AcceptsNestingUpToTheLimit) {
  const std::string text = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_NO_THROW(parse_json(text));
}

TEST(ParseJson, RejectsDeepNestingWithoutRecursing) {
  for (const std::size_t depth :
       {std::size_t{kMaxJsonDepth + 1}, std::size_t{10'000}, std::size_t{1'000'000}}) {
    const std::string arrays = std::string(depth, '[') + std::string(depth, ']');
    EXPECT_THROW(parse_json(arrays), Error);
    std::string objects;
    for (std::size_t i = 0; i < depth; ++i) objects += "{\"a\":";
    EXPECT_THROW(parse_json(objects), Error) << "unterminated objects, depth " << depth;
  }
}

TEST(ParseJson, BracketsInsideStringsDoNotCount) {
  const std::string text =
      "{\"a\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
  EXPECT_EQ(parse_json(text)["a"].get<std::string>().size(), 2001u);
}

class ParseJsonMalformed : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseJsonMalformed, ThrowsGridError) {
  try {
    parse_json(GetParam());
    FAIL() << "accepted " << GetParam();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("invalid JSON: ", 0), 0u) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Hostile, ParseJsonMalformed,
                         ::testing::Values("", "{", "{\"tasks\":[", "{\"a\":\"unterminated",
                                           "{\"a\":1,}", "[1e400]", "{\"a\":-1e400}", "nul",
                                           "{\"a\":\"\\ud800\"}", "\xff", "{} {}",
                                           std::string("{\"a\":\"x\0y\"}", 11)));

TEST(ParseJson, HugeIntegersBecomeFloatsAndAreRejectedByIntegerFields) {
  for (const std::string big : {"99999999999999999999999", "1e300", "1.5", "-1e300"}) {
    const std::string body =
        R"({"tasks":[{"backend":"a","action":"b","max_retries":)" + big + "}]}";
    try {
      parse_job_request(body);
      FAIL() << "accepted " << big;
    } catch (const Error& e) {
      EXPECT_STREQ(e.what(), "tasks[0].max_retries: expected integer");
    }
  }
}

TEST(ParseJson, IntegersOutOfRangeAreRejected) {
  EXPECT_THROW(parse_task_result(R"({"task_index":2147483648})"), Error);
  EXPECT_THROW(parse_task_result(R"({"duration":9223372036854775808})"), Error);
  EXPECT_EQ(parse_task_result(R"({"duration":9223372036854775807})").duration.count(),
            9223372036854775807);
}

TEST(DumpJson, ReplacesInvalidUtf8InsteadOfThrowing) {
  TaskResult result;
  result.output = "ok\xff\xfe";
  const std::string text = to_json_text(result);
  EXPECT_NE(text.find("\"output\":\"ok\xef\xbf\xbd\xef\xbf\xbd\""), std::string::npos) << text;
}

}  // namespace
}  // namespace grid::model
