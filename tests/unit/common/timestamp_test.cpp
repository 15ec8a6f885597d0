#include "grid/common/timestamp.hpp"

#include <gtest/gtest.h>

namespace grid {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

// 2026-02-13T09:41:07Z as seconds since the Unix epoch.
constexpr std::int64_t kExampleSeconds = 1'770'975'667;

Timestamp at(std::int64_t secs, std::int64_t nanos = 0) {
  return Timestamp{seconds(secs) + nanoseconds(nanos)};
}

TEST(FormatRfc3339, TrimsTrailingZerosOfTheFraction) {
  EXPECT_EQ(format_rfc3339(at(kExampleSeconds)), "2026-02-13T09:41:07Z");
  EXPECT_EQ(format_rfc3339(at(kExampleSeconds, 123'456'789)), "2026-02-13T09:41:07.123456789Z");
  EXPECT_EQ(format_rfc3339(at(kExampleSeconds, 500'000'000)), "2026-02-13T09:41:07.5Z");
  EXPECT_EQ(format_rfc3339(at(kExampleSeconds, 410'000'000)), "2026-02-13T09:41:07.41Z");
  EXPECT_EQ(format_rfc3339(at(kExampleSeconds, 1)), "2026-02-13T09:41:07.000000001Z");
}

TEST(FormatRfc3339, ZeroValueIsGoZeroTime) {
  EXPECT_EQ(format_rfc3339(Timestamp{}), "0001-01-01T00:00:00Z");
}

TEST(FormatRfc3339, BeforeTheEpoch) {
  EXPECT_EQ(format_rfc3339(at(-1)), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_rfc3339(at(-1, 250'000'000)), "1969-12-31T23:59:59.25Z");
}

TEST(ParseRfc3339, GoZeroTimeRoundTrips) {
  EXPECT_EQ(parse_rfc3339("0001-01-01T00:00:00Z"), Timestamp{});
  EXPECT_EQ(parse_rfc3339("0001-01-01T01:00:00+01:00"), Timestamp{});
}

struct ParseCase {
  std::string text;
  Timestamp expected;
};

void PrintTo(const ParseCase& c, std::ostream* os) {
  *os << '"' << c.text << '"';
}

class ParseRfc3339Valid : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseRfc3339Valid, Parses) {
  const auto parsed = parse_rfc3339(GetParam().text);
  ASSERT_TRUE(parsed.has_value()) << GetParam().text;
  EXPECT_EQ(parsed->time_since_epoch().count(), GetParam().expected.time_since_epoch().count());
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3339, ParseRfc3339Valid,
    ::testing::Values(ParseCase{"2026-02-13T09:41:07Z", at(kExampleSeconds)},
                      ParseCase{"2026-02-13T09:41:07.123456789Z", at(kExampleSeconds, 123'456'789)},
                      ParseCase{"2026-02-13T09:41:07.1234567891Z",
                                at(kExampleSeconds, 123'456'789)},
                      ParseCase{"2026-02-13T09:41:07.5Z", at(kExampleSeconds, 500'000'000)},
                      ParseCase{"2026-02-13T11:41:07+02:00", at(kExampleSeconds)},
                      ParseCase{"2026-02-13T04:11:07.25-05:30", at(kExampleSeconds, 250'000'000)},
                      ParseCase{"2026-02-13t09:41:07z", at(kExampleSeconds)},
                      ParseCase{"2024-02-29T00:00:00Z", at(1'709'164'800)},
                      ParseCase{"1970-01-01T00:00:01Z", at(1)}));

class ParseRfc3339Invalid : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseRfc3339Invalid, Rejects) {
  EXPECT_FALSE(parse_rfc3339(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Rfc3339, ParseRfc3339Invalid,
                         ::testing::Values("", "2026-02-13", "2026-02-13T09:41:07",
                                           "2026-02-13 09:41:07Z", "2026-13-01T00:00:00Z",
                                           "2025-02-29T00:00:00Z", "2026-02-13T24:00:00Z",
                                           "2026-02-13T09:60:00Z", "2026-02-13T09:41:60Z",
                                           "2026-02-13T09:41:07.Z", "2026-02-13T09:41:07+0200",
                                           "2026-02-13T09:41:07+24:00", "2026-02-13T09:41:07Zx",
                                           "26-02-13T09:41:07Z", "9999-12-31T23:59:59Z",
                                           "1000-01-01T00:00:00Z", "2026-02-13T09:41:07.0x1Z"));

TEST(Rfc3339RoundTrip, FormatThenParse) {
  for (const Timestamp t : std::initializer_list<Timestamp>{at(kExampleSeconds, 7), at(0, 1),
                                                            at(-86'400 * 365, 999'999'999)}) {
    EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t) << format_rfc3339(t);
  }
}

TEST(Now, IsCurrentAndFormatsWithZ) {
  const Timestamp t = now();
  EXPECT_GT(t, at(kExampleSeconds - 86'400 * 365 * 10));
  EXPECT_EQ(format_rfc3339(t).back(), 'Z');
}

}  // namespace
}  // namespace grid
