// Retry backoff (SPEC §6.6): 1 s, 2 s, 4 s, 8 s, 16 s, then 30 s for every later retry.
// Saturates instead of overflowing (BUG-50). Pure; thread-safe.
#pragma once

#include "grid/common/duration.hpp"

namespace grid::scheduler {

inline constexpr Duration kMaxBackoff = std::chrono::seconds(30);

// The wait before retry `retry` (1 = first retry): min(2^(retry-1) s, 30 s). A barrier
// attempt `a` ≥ 2 is retry a-1. Values below 1 are treated as 1.
Duration retry_backoff(long long retry);

}  // namespace grid::scheduler
