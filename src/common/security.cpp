#include "grid/common/security.hpp"

#include "grid/common/token.hpp"

namespace grid {
namespace {

bool name_or_star(std::string_view part) {
  return part == "*" || is_valid_token(part);
}

bool part_matches(std::string_view pattern, std::string_view value) {
  return pattern == "*" || pattern == value;
}

}  // namespace

std::optional<std::string> check_allow_pattern(std::string_view pattern) {
  const auto dot = pattern.find('.');
  const std::string_view backend = pattern.substr(0, dot);
  const bool ok = dot == std::string_view::npos
                      ? name_or_star(backend)
                      : name_or_star(backend) && name_or_star(pattern.substr(dot + 1));
  if (ok) return std::nullopt;
  return "\"" + std::string(pattern) +
         "\" is not a valid pattern (expected *, backend, backend.action, backend.* or *.action)";
}

bool is_allowed(const std::vector<std::string>& patterns, std::string_view backend,
                std::string_view action) {
  for (const auto& pattern : patterns) {
    const auto dot = pattern.find('.');
    if (dot == std::string::npos) {
      if (part_matches(pattern, backend)) return true;
      continue;
    }
    const std::string_view p(pattern);
    if (part_matches(p.substr(0, dot), backend) && part_matches(p.substr(dot + 1), action)) {
      return true;
    }
  }
  return false;
}

std::string describe_allow_list(const std::vector<std::string>& patterns) {
  std::string out = "[";
  for (const auto& p : patterns) out += (out.size() > 1 ? ", " : "") + p;
  return out + "]";
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  const std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  // volatile keeps the compiler from turning the loop into an early-exit comparison.
  volatile unsigned char result = diff;
  return result == 0;
}

std::string redact_url(std::string_view url) {
  const auto scheme = url.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?#", start);
  const auto at = url.rfind('@', end == std::string_view::npos ? url.size() : end);
  if (at == std::string_view::npos || at < start) return std::string(url);
  return std::string(url.substr(0, start)) + "***" + std::string(url.substr(at));
}

}  // namespace grid
