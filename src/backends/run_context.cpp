#include <algorithm>

#include "grid/backends/backend.hpp"

namespace grid::backends {

void RunContext::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_.store(true);
  }
  wake_.notify_all();
}

namespace {
// Far enough for any sleep, near enough that adding it to the clock cannot overflow.
constexpr auto kLongestSleep = std::chrono::hours(24 * 365 * 100);
}  // namespace

bool RunContext::sleep_for(Duration d) const {
  auto until = Clock::now() + std::min<Clock::duration>(d, kLongestSleep);
  const bool cut_by_deadline = deadline_ && *deadline_ < until;
  if (cut_by_deadline) until = *deadline_;
  std::unique_lock lock(mutex_);
  const bool woken = wake_.wait_until(lock, until, [this] { return cancelled_.load(); });
  return !woken && !cut_by_deadline;
}

}  // namespace grid::backends
