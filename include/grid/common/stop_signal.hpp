// A one-way stop flag a background thread can sleep on: sleep_for() returns early, with
// false, once raise() has been called. It is what every stoppable thread here needs (a
// periodic scan, a probe loop, a fetch back-off) instead of a mutex, a condition variable
// and a bool of its own.
//
// Threads: raise() and raised() from any thread; any number of threads may sleep at once.
#pragma once

#include <condition_variable>
#include <mutex>

#include "grid/common/duration.hpp"

namespace grid {

class StopSignal {
 public:
  // Sets the flag for good and wakes every sleeper. Idempotent.
  void raise();
  bool raised() const;
  // Sleeps `pause` (zero or negative: not at all) unless the flag is or gets raised. True when
  // the whole pause went by without a stop, false once raised.
  bool sleep_for(Duration pause);

 private:
  mutable std::mutex mutex_;
  std::condition_variable raised_signal_;
  bool raised_ = false;  // guarded by mutex_
};

}  // namespace grid
