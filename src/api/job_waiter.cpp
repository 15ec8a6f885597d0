#include "grid/api/job_waiter.hpp"

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/model/job.hpp"
#include "grid/model/job_status.hpp"

namespace grid::api {
namespace {

bool is_terminal_value(std::string_view value) {
  try {
    return model::is_terminal(model::parse_job(value).status);
  } catch (const Error&) {
    return false;  // an undecodable job never becomes terminal for a waiter
  }
}

}  // namespace

JobWaiter::JobWaiter(bus::Connection& connection, bus::KvStore& jobs) : jobs_(jobs) {
  const std::string bucket = jobs.bucket();
  subscription_ = std::make_unique<bus::CoreSubscription>(
      connection, bus::kv_bucket_filter(bucket), [this, bucket](bus::Message message) {
        on_write(bus::kv_key_of(bucket, message.subject()), message.data());
      });
}

void JobWaiter::on_write(std::string_view key, std::string_view value) {
  std::lock_guard lock(mutex_);
  auto it = waiters_.find(key);
  if (it == waiters_.end()) return;
  ++it->second.writes;
  it->second.latest.assign(value);
  it->second.changed.notify_all();
}

void JobWaiter::shutdown() {
  std::lock_guard lock(mutex_);
  shutting_down_ = true;
  for (auto& [key, waiter] : waiters_) waiter.changed.notify_all();
}

std::optional<bus::KvEntry> JobWaiter::wait_until_terminal(const std::string& id,
                                                           Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  auto& waiter = waiters_[id];  // std::map: the node stays put while others come and go
  ++waiter.count;
  // Unregisters on every way out, exceptions of the reads included, under the mutex.
  struct Release {
    JobWaiter& self;
    std::unique_lock<std::mutex>& lock;
    const std::string& id;
    ~Release() {
      if (!lock.owns_lock()) lock.lock();
      auto it = self.waiters_.find(id);
      if (--it->second.count == 0) self.waiters_.erase(it);
    }
  } release{*this, lock, id};

  while (true) {
    // Registered before reading: a write landing after the read is counted in `writes`.
    std::uint64_t seen = waiter.writes;
    lock.unlock();
    auto entry = jobs_.get(id);
    if (!entry || is_terminal_value(entry->value)) return entry;
    lock.lock();
    // Wait for a write that looks terminal; intermediate writes need no read.
    while (true) {
      if (!waiter.changed.wait_until(lock, deadline,
                                     [&] { return waiter.writes != seen || shutting_down_; }) ||
          shutting_down_) {
        if (waiter.writes == seen) return entry;
        lock.unlock();
        return jobs_.get(id);  // the current value, not the one read before the writes
      }
      seen = waiter.writes;
      const std::string latest = waiter.latest;
      lock.unlock();
      const bool terminal = is_terminal_value(latest);
      lock.lock();
      if (terminal) break;
    }
  }
}

}  // namespace grid::api
