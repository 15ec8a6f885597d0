#include "go_text.hpp"

#include <gtest/gtest.h>

#include "grid/common/duration.hpp"

namespace grid::backends {
namespace {

TEST(GoQuoteTest, MatchesStrconvQuote) {
  EXPECT_EQ(go_quote("abc"), R"("abc")");
  EXPECT_EQ(go_quote(""), R"("")");
  EXPECT_EQ(go_quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(go_quote("a\nb\tc\r"), R"("a\nb\tc\r")");
  EXPECT_EQ(go_quote(std::string("\x01\x7f", 2)), R"("\x01\x7f")");
  EXPECT_EQ(go_quote("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
  EXPECT_EQ(go_quote("\xFF"), R"("\xff")");
  EXPECT_EQ(go_quote("\xC2\x85"), R"("\u0085")");
}

TEST(GoDurationErrorTest, MatchesTimeParseDuration) {
  EXPECT_EQ(go_duration_error("abc"), R"(time: invalid duration "abc")");
  EXPECT_EQ(go_duration_error(""), R"(time: invalid duration "")");
  EXPECT_EQ(go_duration_error("-"), R"(time: invalid duration "-")");
  EXPECT_EQ(go_duration_error("30"), R"(time: missing unit in duration "30")");
  EXPECT_EQ(go_duration_error("1s30"), R"(time: missing unit in duration "1s30")");
  EXPECT_EQ(go_duration_error("1d"), R"(time: unknown unit "d" in duration "1d")");
  EXPECT_EQ(go_duration_error("1 s"), R"(time: unknown unit " s" in duration "1 s")");
  EXPECT_EQ(go_duration_error(".s"), R"(time: invalid duration ".s")");
  EXPECT_EQ(go_duration_error("s"), R"(time: invalid duration "s")");
  EXPECT_EQ(go_duration_error("99999999999999999999h1d"),
            R"(time: invalid duration "99999999999999999999h1d")");
  EXPECT_EQ(go_duration_error("3000000h"), R"(time: invalid duration "3000000h")");
  EXPECT_EQ(go_duration_error("1\xC3\xA9"),
            R"(time: unknown unit "\xc3\xa9" in duration "1\xc3\xa9")");
}

TEST(GoDurationErrorTest, EveryRejectedExampleGetsAText) {
  for (const char* text : {"abc", "30", "1d", "", "1.5", "+", "1h-2m"}) {
    EXPECT_FALSE(parse_duration(text)) << text;
    EXPECT_EQ(go_duration_error(text).rfind("time: ", 0), 0u) << text;
  }
}

TEST(GoContextErrorTest, DeadlineOrCancel) {
  RunContext past({}, RunContext::Clock::now() - std::chrono::seconds(1));
  EXPECT_EQ(go_context_error(past), "context deadline exceeded");
  RunContext cancelled({}, std::nullopt);
  cancelled.cancel();
  EXPECT_EQ(go_context_error(cancelled), "context canceled");
}

}  // namespace
}  // namespace grid::backends
