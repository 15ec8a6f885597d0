// Go-compatible duration strings (SPEC §2.3).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace grid {

using Duration = std::chrono::nanoseconds;

// Parses Go's time.ParseDuration syntax: optional sign, then one or more
// <decimal number><unit> pairs with units ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h;
// "0" alone is valid. Returns nullopt for anything else (empty, "30", "1d", overflow).
std::optional<Duration> parse_duration(std::string_view text);

// Formats like Go's time.Duration.String(): "0s", "750ns", "1.5µs", "50ms", "1m30s",
// "2h3m4.5s", with a leading '-' for negative values.
std::string format_duration(Duration d);

}  // namespace grid
