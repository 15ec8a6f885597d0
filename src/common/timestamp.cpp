#include "grid/common/timestamp.hpp"

#include <cstdint>
#include <limits>

namespace grid {
namespace {

using std::chrono::days;
using std::chrono::nanoseconds;
using std::chrono::sys_days;

constexpr std::string_view kGoZeroTime = "0001-01-01T00:00:00Z";
constexpr std::int64_t kGoZeroEpochSeconds = -62'135'596'800;  // kGoZeroTime - Unix epoch

std::string pad(std::int64_t value, int width) {
  std::string text = std::to_string(value);
  if (static_cast<int>(text.size()) < width) text.insert(0, width - text.size(), '0');
  return text;
}

// Reads exactly `width` digits from the front of `s`.
std::optional<int> take_digits(std::string_view& s, std::size_t width) {
  if (s.size() < width) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  s.remove_prefix(width);
  return value;
}

bool take_char(std::string_view& s, char lower_or_exact, char upper) {
  if (s.empty() || (s.front() != lower_or_exact && s.front() != upper)) return false;
  s.remove_prefix(1);
  return true;
}

bool take_char(std::string_view& s, char c) {
  return take_char(s, c, c);
}

// Up to nine significant fractional digits after the '.', as nanoseconds; extra digits are
// truncated like Go does.
std::optional<std::int64_t> take_fraction(std::string_view& s) {
  std::int64_t nanos = 0;
  std::size_t count = 0;
  while (count < s.size() && s[count] >= '0' && s[count] <= '9') {
    if (count < 9) nanos = nanos * 10 + (s[count] - '0');
    ++count;
  }
  if (count == 0) return std::nullopt;
  for (std::size_t i = count; i < 9; ++i) nanos *= 10;
  s.remove_prefix(count);
  return nanos;
}

// Offset east of UTC in seconds, from "Z" or "±hh:mm".
std::optional<std::int64_t> take_offset(std::string_view& s) {
  if (take_char(s, 'z', 'Z')) return 0;
  if (s.empty() || (s.front() != '+' && s.front() != '-')) return std::nullopt;
  const int sign = s.front() == '-' ? -1 : 1;
  s.remove_prefix(1);
  const auto hours = take_digits(s, 2);
  if (!hours || !take_char(s, ':')) return std::nullopt;
  const auto minutes = take_digits(s, 2);
  if (!minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  return sign * (*hours * 3600 + *minutes * 60);
}

}  // namespace

Timestamp now() {
  return std::chrono::time_point_cast<nanoseconds>(std::chrono::system_clock::now());
}

std::string format_rfc3339(Timestamp t) {
  if (t == Timestamp{}) return std::string(kGoZeroTime);
  const auto day = std::chrono::floor<days>(t);
  const std::chrono::year_month_day date{day};
  const std::int64_t nanos_of_day = (t - day).count();
  const std::int64_t seconds = nanos_of_day / 1'000'000'000;
  std::int64_t fraction = nanos_of_day % 1'000'000'000;
  std::string text = pad(static_cast<int>(date.year()), 4) + "-" +
                     pad(static_cast<unsigned>(date.month()), 2) + "-" +
                     pad(static_cast<unsigned>(date.day()), 2) + "T" + pad(seconds / 3600, 2) +
                     ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2);
  if (fraction != 0) {
    int digits = 9;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --digits;
    }
    text += "." + pad(fraction, digits);
  }
  return text + "Z";
}

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
  std::string_view s = text;
  const auto year = take_digits(s, 4);
  if (!year || !take_char(s, '-')) return std::nullopt;
  const auto month = take_digits(s, 2);
  if (!month || !take_char(s, '-')) return std::nullopt;
  const auto day = take_digits(s, 2);
  if (!day || !take_char(s, 't', 'T')) return std::nullopt;
  const auto hour = take_digits(s, 2);
  if (!hour || !take_char(s, ':')) return std::nullopt;
  const auto minute = take_digits(s, 2);
  if (!minute || !take_char(s, ':')) return std::nullopt;
  const auto second = take_digits(s, 2);
  if (!second) return std::nullopt;
  std::int64_t fraction = 0;
  if (take_char(s, '.')) {
    const auto parsed = take_fraction(s);
    if (!parsed) return std::nullopt;
    fraction = *parsed;
  }
  const auto offset = take_offset(s);
  if (!offset || !s.empty()) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  // Compute in seconds first: the nanosecond time_point only spans the years 1677-2262.
  const std::int64_t epoch_seconds =
      std::int64_t{sys_days{date}.time_since_epoch().count()} * 86400 + *hour * 3600 +
      *minute * 60 + *second - *offset;
  if (epoch_seconds == kGoZeroEpochSeconds && fraction == 0) return Timestamp{};
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1'000'000'000;
  if (epoch_seconds >= kMaxSeconds || epoch_seconds <= -kMaxSeconds) return std::nullopt;
  return Timestamp{nanoseconds{epoch_seconds * 1'000'000'000 + fraction}};
}

}  // namespace grid
