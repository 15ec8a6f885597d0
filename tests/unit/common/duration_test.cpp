#include "grid/common/duration.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace grid {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

struct ParseCase {
  std::string text;
  Duration expected;
};

void PrintTo(const ParseCase& c, std::ostream* os) {
  *os << '"' << c.text << '"';
}

class ParseDurationValid : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseDurationValid, Parses) {
  const auto parsed = parse_duration(GetParam().text);
  ASSERT_TRUE(parsed.has_value()) << GetParam().text;
  EXPECT_EQ(parsed->count(), GetParam().expected.count()) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Go, ParseDurationValid,
    ::testing::Values(
        ParseCase{"0", Duration::zero()}, ParseCase{"+0", Duration::zero()},
        ParseCase{"-0", Duration::zero()}, ParseCase{"0s", Duration::zero()},
        ParseCase{"300ms", milliseconds(300)}, ParseCase{"2h45m", hours(2) + minutes(45)},
        ParseCase{"1m30.5s", seconds(90) + milliseconds(500)}, ParseCase{"1.5h", minutes(90)},
        ParseCase{"-1.5h", -minutes(90)}, ParseCase{"+5s", seconds(5)}, ParseCase{"5m", minutes(5)},
        ParseCase{"10ns", nanoseconds(10)}, ParseCase{"11us", microseconds(11)},
        ParseCase{"12\u00b5s", microseconds(12)}, ParseCase{"13\u03bcs", microseconds(13)},
        ParseCase{".5s", milliseconds(500)}, ParseCase{"1.s", seconds(1)},
        ParseCase{"1.004s", milliseconds(1004)},
        ParseCase{"1h1m1s1ms1us1ns", hours(1) + minutes(1) + seconds(1) + milliseconds(1) +
                                         microseconds(1) + nanoseconds(1)},
        ParseCase{"3h3h", hours(6)}, ParseCase{"0.100000000000000000000h", minutes(6)},
        ParseCase{"9223372036854775.807us", nanoseconds(std::numeric_limits<std::int64_t>::max())},
        ParseCase{"0.3333333333333333333h", nanoseconds(1'200'000'000'000)},
        ParseCase{"9223372036854775807ns", nanoseconds(std::numeric_limits<std::int64_t>::max())},
        ParseCase{"-9223372036854775808ns", nanoseconds(std::numeric_limits<std::int64_t>::min())},
        ParseCase{"9223372036.854775807s", nanoseconds(std::numeric_limits<std::int64_t>::max())},
        ParseCase{"2562047h47m16.854775807s",
                  nanoseconds(std::numeric_limits<std::int64_t>::max())}));

class ParseDurationInvalid : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseDurationInvalid, Rejects) {
  EXPECT_FALSE(parse_duration(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Go, ParseDurationInvalid,
                         ::testing::Values("", "30", "1d", "-", "+", "s", ".", "-.s", ".s", "1",
                                           "1.5", "3000000h", "9223372036854775808ns",
                                           "9223372036854775807ns1ns", "1e3s", "1 s", " 1s", "1s ",
                                           "1S", "1hh", "5x", "1.2.3s", "100000000000000000000ns",
                                           "1\u00b5", "--1s", "-9223372036854775809ns"));

struct FormatCase {
  Duration value;
  std::string expected;
};

void PrintTo(const FormatCase& c, std::ostream* os) {
  *os << c.value.count() << "ns";
}

class FormatDuration : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatDuration, MatchesGo) {
  EXPECT_EQ(format_duration(GetParam().value), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Go, FormatDuration,
    ::testing::Values(
        FormatCase{Duration::zero(), "0s"}, FormatCase{nanoseconds(1), "1ns"},
        FormatCase{nanoseconds(750), "750ns"}, FormatCase{nanoseconds(1'500), "1.5\u00b5s"},
        FormatCase{microseconds(1), "1\u00b5s"}, FormatCase{milliseconds(50), "50ms"},
        FormatCase{nanoseconds(1'234'567), "1.234567ms"}, FormatCase{seconds(1), "1s"},
        FormatCase{milliseconds(1'500), "1.5s"}, FormatCase{minutes(1), "1m0s"},
        FormatCase{seconds(90), "1m30s"}, FormatCase{hours(1), "1h0m0s"},
        FormatCase{hours(2) + minutes(3) + milliseconds(4'500), "2h3m4.5s"},
        FormatCase{minutes(5), "5m0s"}, FormatCase{milliseconds(2'310), "2.31s"},
        FormatCase{nanoseconds(1'000'000'001), "1.000000001s"},
        FormatCase{-milliseconds(1'500), "-1.5s"}, FormatCase{-nanoseconds(1), "-1ns"},
        FormatCase{nanoseconds(std::numeric_limits<std::int64_t>::max()),
                   "2562047h47m16.854775807s"},
        FormatCase{nanoseconds(std::numeric_limits<std::int64_t>::min()),
                   "-2562047h47m16.854775808s"}));

TEST(DurationRoundTrip, FormatThenParseGivesTheSameValue) {
  for (const Duration d : std::initializer_list<Duration>{
           nanoseconds(1), nanoseconds(999), microseconds(1'001), milliseconds(98), seconds(3'725),
           -hours(30) - nanoseconds(7)}) {
    const auto parsed = parse_duration(format_duration(d));
    ASSERT_TRUE(parsed.has_value()) << format_duration(d);
    EXPECT_EQ(parsed->count(), d.count());
  }
}

}  // namespace
}  // namespace grid
