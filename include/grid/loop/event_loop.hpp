// The event loop that owns a process's state (STYLE: one owner per piece of state).
//
// An EventLoop wraps one libuv loop. Exactly one thread calls run(); every handle created on
// the loop (timers, signals, child processes) is touched only by that thread. Other threads
// (nats.c callbacks, HTTP handlers) hand work to it with post(), which is the only
// thread-safe method besides stop().
#pragma once

#include <uv.h>

#include <chrono>
#include <deque>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <vector>

#include "grid/loop/uv_handle.hpp"

namespace grid::loop {

class EventLoop {
 public:
  EventLoop();
  // Runs the pending close callbacks and closes the loop. Every Timer, SignalWatcher or
  // UvHandle on this loop must be destroyed before the EventLoop.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  uv_loop_t* get() { return &loop_; }

  // Runs callbacks until stop() is called. Loop thread only.
  void run();

  // Queues `task` to run on the loop thread, in posting order. Thread-safe; tasks posted
  // after stop() are dropped.
  void post(std::function<void()> task);

  // Makes run() return after the tasks already queued have run. Thread-safe, idempotent.
  void stop();

 private:
  void drain_posted();

  uv_loop_t loop_{};
  UvHandle<uv_async_t> wakeup_;
  std::mutex mutex_;  // guards posted_ and stopping_
  std::deque<std::function<void()>> posted_;
  bool stopping_ = false;
};

// A libuv timer calling `callback` on the loop thread; restartable. Loop thread only.
class Timer {
 public:
  Timer(EventLoop& loop, std::function<void()> callback);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  // First call after `delay`, then every `repeat` (0 = once). Both are rounded up to whole
  // milliseconds (libuv's resolution), so a timer never fires before its duration elapsed.
  void start(std::chrono::nanoseconds delay, std::chrono::nanoseconds repeat = {});
  void stop();

 private:
  std::function<void()> callback_;
  UvHandle<uv_timer_t> timer_;
};

// Calls `callback(signum)` on the loop thread when one of `signals` arrives. While it exists
// the signals no longer terminate the process. Loop thread only.
class SignalWatcher {
 public:
  SignalWatcher(EventLoop& loop, std::initializer_list<int> signals,
                std::function<void(int)> callback);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::function<void(int)> callback_;
  std::vector<UvHandle<uv_signal_t>> handles_;
};

}  // namespace grid::loop
