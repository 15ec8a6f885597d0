#include "grid/scheduler/request_intake.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "grid/common/error.hpp"

namespace grid::scheduler {

RequestIntake::RequestIntake(bus::PullSubscription subscription, int slots, Handler on_request)
    : subscription_(std::move(subscription)),
      on_request_(std::move(on_request)),
      free_slots_(slots),
      thread_([this] { run(); }) {}

RequestIntake::~RequestIntake() {
  stop();
}

void RequestIntake::release_slot() {
  release_slots(1);
}

void RequestIntake::release_slots(int count) {
  if (count <= 0) return;
  std::lock_guard lock(mutex_);
  free_slots_ += count;
  cv_.notify_one();
}

void RequestIntake::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

int RequestIntake::acquire_slots() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return stopping_ || free_slots_ > 0; });
  if (stopping_) return 0;
  return std::exchange(free_slots_, 0);
}

void RequestIntake::run() {
  while (const int slots = acquire_slots()) {
    std::vector<bus::Message> messages;
    try {
      messages = subscription_.fetch(slots, kFetchWait);
    } catch (const Error& e) {
      spdlog::warn("fetching job requests failed: {}", e.what());
      std::unique_lock lock(mutex_);
      // Back off briefly (e.g. while reconnecting) unless stopping.
      cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; });
    }
    release_slots(slots - static_cast<int>(messages.size()));
    for (auto& message : messages) {
      on_request_(std::make_shared<bus::Message>(std::move(message)));
    }
  }
}

}  // namespace grid::scheduler
