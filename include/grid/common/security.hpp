// Small security helpers shared by the controller, worker and CLI (docs/SECURITY.md):
// command allowlists (worker.allow, scheduler.allow), constant-time secret comparison and
// URL redaction for log lines. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grid {

// An allowlist pattern is "*", "<backend>", "<backend>.*", "<backend>.<action>" or
// "*.<action>", names being tokens (§2.1). Returns a problem description, or nullopt.
std::optional<std::string> check_allow_pattern(std::string_view pattern);

// Whether `backend`.`action` matches one of `patterns` ("<backend>" covers every action).
bool is_allowed(const std::vector<std::string>& patterns, std::string_view backend,
                std::string_view action);

// "[a, b.c]" for messages.
std::string describe_allow_list(const std::vector<std::string>& patterns);

// Compares two secrets in time that depends only on their lengths' maximum, never on where
// they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// The URL without credentials: "nats://user:pw@host:4222" → "nats://***@host:4222".
std::string redact_url(std::string_view url);

}  // namespace grid
