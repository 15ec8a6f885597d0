#include "grid/scheduler/backoff.hpp"

namespace grid::scheduler {

Duration retry_backoff(long long retry) {
  if (retry < 1) retry = 1;
  // 2^5 s = 32 s already exceeds the cap: only small exponents are ever computed.
  if (retry > 5) return kMaxBackoff;
  return std::min<Duration>(std::chrono::seconds(1LL << (retry - 1)), kMaxBackoff);
}

}  // namespace grid::scheduler
