#include "grid/common/stop_signal.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace grid {
namespace {

using namespace std::chrono_literals;

TEST(StopSignalTest, SleepsThePauseWhileNotRaised) {
  StopSignal stop;
  const auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(stop.sleep_for(20ms));
  EXPECT_GE(std::chrono::steady_clock::now() - began, 20ms);
  EXPECT_TRUE(stop.sleep_for(Duration::zero()));
  EXPECT_FALSE(stop.raised());
}

TEST(StopSignalTest, RaisedBeforeASleepEndsItAtOnce) {
  StopSignal stop;
  stop.raise();
  EXPECT_TRUE(stop.raised());
  EXPECT_FALSE(stop.sleep_for(1h));  // a broken signal hangs here until CTest's timeout
  EXPECT_FALSE(stop.sleep_for(Duration::zero()));
  stop.raise();  // idempotent
  EXPECT_TRUE(stop.raised());
}

TEST(StopSignalTest, RaiseWakesEverySleeper) {
  StopSignal stop;
  std::atomic<int> started{0};
  bool first = true;
  bool second = true;
  std::thread a([&] {
    ++started;
    first = stop.sleep_for(1h);
  });
  std::thread b([&] {
    ++started;
    second = stop.sleep_for(1h);
  });
  // Most runs raise while both sleep; a signal that does not wake them hangs until CTest's
  // timeout.
  while (started.load() < 2) std::this_thread::yield();
  stop.raise();
  a.join();
  b.join();
  EXPECT_FALSE(first);
  EXPECT_FALSE(second);
}

}  // namespace
}  // namespace grid
