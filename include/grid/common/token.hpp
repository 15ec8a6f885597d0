// Identifier tokens embedded in NATS subjects, durable names and KV keys (SPEC §2.1,
// BUG-19, BUG-62): node IDs, controller IDs, group names, backend and action names, job IDs.
#pragma once

#include <string>
#include <string_view>

namespace grid {

inline constexpr std::size_t kMaxTokenLength = 120;

// True when `token` matches ^[A-Za-z0-9_-]+$ and is at most kMaxTokenLength long.
bool is_valid_token(std::string_view token);

// The host name with every character outside [A-Za-z0-9_-] replaced by '_' (default node
// and controller ID).
std::string sanitize_host_name(std::string_view host);

// The OS host name (gethostname), unsanitised; "" when it cannot be read.
std::string os_host_name();

}  // namespace grid
