#include "grid/loop/event_loop.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace grid::loop {

EventLoop::EventLoop() {
  int rc = uv_loop_init(&loop_);
  if (rc < 0) throw Error(std::string("creating event loop: ") + uv_strerror(rc));
  wakeup_ = UvHandle<uv_async_t>("creating loop wake-up", this, [this](uv_async_t* h) {
    return uv_async_init(&loop_, h, [](uv_async_t* async) {
      static_cast<EventLoop*>(async->data)->drain_posted();
    });
  });
}

EventLoop::~EventLoop() {
  wakeup_.reset();
  // Owners closed their handles before this point; let the close callbacks free them.
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

void EventLoop::run() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
}

void EventLoop::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    posted_.push_back(std::move(task));
  }
  uv_async_send(wakeup_.get());
}

void EventLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  uv_async_send(wakeup_.get());
}

void EventLoop::drain_posted() {
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(posted_);
    stopping = stopping_;
  }
  for (auto& task : tasks) task();
  if (stopping) uv_stop(&loop_);
}

Timer::Timer(EventLoop& loop, std::function<void()> callback)
    : callback_(std::move(callback)),
      timer_("creating timer", this,
             [&loop](uv_timer_t* h) { return uv_timer_init(loop.get(), h); }) {}

void Timer::start(std::chrono::nanoseconds delay, std::chrono::nanoseconds repeat) {
  auto whole_ms = [](std::chrono::nanoseconds d) {
    return static_cast<uint64_t>(
        std::max<std::int64_t>(std::chrono::ceil<std::chrono::milliseconds>(d).count(), 0));
  };
  uv_timer_start(
      timer_.get(), [](uv_timer_t* h) { static_cast<Timer*>(h->data)->callback_(); },
      whole_ms(delay), whole_ms(repeat));
}

void Timer::stop() { uv_timer_stop(timer_.get()); }

SignalWatcher::SignalWatcher(EventLoop& loop, std::initializer_list<int> signals,
                             std::function<void(int)> callback)
    : callback_(std::move(callback)) {
  for (int signum : signals) {
    handles_.emplace_back("watching signals", this, [&loop](uv_signal_t* h) {
      return uv_signal_init(loop.get(), h);
    });
    int rc = uv_signal_start(
        handles_.back().get(),
        [](uv_signal_t* h, int sig) { static_cast<SignalWatcher*>(h->data)->callback_(sig); },
        signum);
    if (rc < 0) throw Error(std::string("watching signals: ") + uv_strerror(rc));
  }
}

}  // namespace grid::loop
