#include "grid/common/duration.hpp"

#include <cstdint>
#include <tuple>
#include <utility>

namespace grid {
namespace {

constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;  // magnitude of the most negative value

struct Unit {
  std::string_view name;
  std::uint64_t nanos;
};

constexpr Unit kUnits[] = {
    {"ns", 1},          {"us", 1'000},        {"\u00b5s", 1'000},  // micro sign
    {"\u03bcs", 1'000},                                            // Greek small letter mu
    {"ms", 1'000'000},  {"s", 1'000'000'000}, {"m", 60'000'000'000}, {"h", 3'600'000'000'000},
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Consumes leading digits into `value`; false on overflow (Go's leadingInt).
bool leading_int(std::string_view& s, std::uint64_t& value) {
  value = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (value > kLimit / 10) return false;
    value = value * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (value > kLimit) return false;
  }
  s.remove_prefix(i);
  return true;
}

// Consumes leading fraction digits; digits beyond uint64 precision are dropped
// (Go's leadingFraction).
std::pair<std::uint64_t, double> leading_fraction(std::string_view& s) {
  std::uint64_t value = 0;
  double scale = 1;
  bool overflow = false;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (overflow) continue;
    if (value > (kLimit - 1) / 10) {
      overflow = true;
      continue;
    }
    const std::uint64_t next = value * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (next > kLimit) {
      overflow = true;
      continue;
    }
    value = next;
    scale *= 10;
  }
  s.remove_prefix(i);
  return {value, scale};
}

std::optional<std::uint64_t> unit_nanos(std::string_view name) {
  for (const Unit& unit : kUnits) {
    if (unit.name == name) return unit.nanos;
  }
  return std::nullopt;
}

// Parses one "<number><unit>" pair from the front of `s`.
std::optional<std::uint64_t> parse_component(std::string_view& s) {
  if (!(s.front() == '.' || is_digit(s.front()))) return std::nullopt;
  std::uint64_t whole = 0;
  const std::size_t before = s.size();
  if (!leading_int(s, whole)) return std::nullopt;
  const bool has_whole = s.size() != before;
  std::uint64_t fraction = 0;
  double scale = 1;
  bool has_fraction = false;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    const std::size_t after_dot = s.size();
    std::tie(fraction, scale) = leading_fraction(s);
    has_fraction = s.size() != after_dot;
  }
  if (!has_whole && !has_fraction) return std::nullopt;
  std::size_t unit_length = 0;
  while (unit_length < s.size() && s[unit_length] != '.' && !is_digit(s[unit_length])) {
    ++unit_length;
  }
  const auto unit = unit_nanos(s.substr(0, unit_length));
  if (!unit) return std::nullopt;
  s.remove_prefix(unit_length);
  if (whole > kLimit / *unit) return std::nullopt;
  std::uint64_t value = whole * *unit;
  if (fraction > 0) {
    value += static_cast<std::uint64_t>(static_cast<double>(fraction) *
                                        (static_cast<double>(*unit) / scale));
    if (value > kLimit) return std::nullopt;
  }
  return value;
}

// Appends the `digits` lowest decimal digits of `value` as a fraction with trailing zeros
// removed (nothing when they are all zero) and returns the remaining integer part.
std::uint64_t append_fraction(std::string& out, std::uint64_t value, int digits) {
  std::string fraction;
  bool significant = false;
  for (int i = 0; i < digits; ++i) {
    const char digit = static_cast<char>('0' + value % 10);
    significant = significant || digit != '0';
    if (significant) fraction.insert(fraction.begin(), digit);
    value /= 10;
  }
  if (significant) out += "." + fraction;
  return value;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return Duration::zero();
  if (text.empty()) return std::nullopt;
  std::uint64_t total = 0;
  while (!text.empty()) {
    const auto component = parse_component(text);
    if (!component) return std::nullopt;
    total += *component;
    if (total > kLimit) return std::nullopt;
  }
  if (negative) return Duration(static_cast<Duration::rep>(0 - total));
  if (total > kLimit - 1) return std::nullopt;
  return Duration(static_cast<Duration::rep>(total));
}

std::string format_duration(Duration d) {
  const bool negative = d.count() < 0;
  std::uint64_t u = static_cast<std::uint64_t>(d.count());
  if (negative) u = 0 - u;
  if (u == 0) return "0s";
  std::string out;
  if (u < 1'000'000'000) {
    std::string_view unit = "ms";
    int digits = 6;
    if (u < 1'000) {
      unit = "ns";
      digits = 0;
    } else if (u < 1'000'000) {
      unit = "\u00b5s";
      digits = 3;
    }
    std::string fraction;
    u = append_fraction(fraction, u, digits);
    out = std::to_string(u) + fraction + std::string(unit);
  } else {
    std::string fraction;
    u = append_fraction(fraction, u, 9);
    out = std::to_string(u % 60) + fraction + "s";
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace grid
