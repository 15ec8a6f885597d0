#include "grid/common/stop_signal.hpp"

namespace grid {

void StopSignal::raise() {
  {
    std::lock_guard lock(mutex_);
    raised_ = true;
  }
  raised_signal_.notify_all();
}

bool StopSignal::raised() const {
  std::lock_guard lock(mutex_);
  return raised_;
}

bool StopSignal::sleep_for(Duration pause) {
  std::unique_lock lock(mutex_);
  return !raised_signal_.wait_for(lock, pause, [this] { return raised_; });
}

}  // namespace grid
