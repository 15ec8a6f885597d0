// RFC 3339 timestamps as Go's time.Time JSON form (SPEC §2.2).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace grid {

using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

// Current UTC time with nanosecond resolution.
Timestamp now();

// UTC, up to nine fractional digits with trailing zeros removed, suffix 'Z':
// "2026-02-13T09:41:07.123456789Z", "2026-02-13T09:41:07Z".
// Representation: Timestamp counts nanoseconds since the Unix epoch, which spans only the
// years 1677-2262, so Go's zero time cannot be stored as itself. Instead the zero value
// Timestamp{} stands for Go's zero time: it formats as "0001-01-01T00:00:00Z" and that text
// parses back to Timestamp{}. The real instant 1970-01-01T00:00:00Z is therefore not
// representable (it would print as the zero time); nothing in GRID needs it.
std::string format_rfc3339(Timestamp t);

// Accepts any RFC 3339 timestamp (fraction optional, extra digits beyond nanoseconds
// truncated, 'Z' or a ±hh:mm offset, 'T'/'Z' in either case). Returns nullopt for malformed
// text and for instants outside the representable range (other than Go's zero time).
std::optional<Timestamp> parse_rfc3339(std::string_view text);

}  // namespace grid
