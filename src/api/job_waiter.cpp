#include "grid/api/job_waiter.hpp"

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/model/job.hpp"
#include "grid/model/job_status.hpp"

namespace grid::api {
namespace {

bool is_terminal_entry(const bus::KvEntry& entry) {
  try {
    return model::is_terminal(model::parse_job(entry.value).status);
  } catch (const Error&) {
    return false;  // an undecodable job never becomes terminal for a waiter
  }
}

}  // namespace

JobWaiter::JobWaiter(bus::Connection& connection, bus::KvStore& jobs) : jobs_(jobs) {
  const std::string bucket = jobs.bucket();
  subscription_ = std::make_unique<bus::CoreSubscription>(
      connection, bus::kv_bucket_filter(bucket), [this, bucket](bus::Message message) {
        on_write(bus::kv_key_of(bucket, message.subject()));
      });
}

void JobWaiter::on_write(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto it = waiters_.find(key);
  if (it == waiters_.end()) return;
  ++it->second.writes;
  changed_.notify_all();
}

void JobWaiter::shutdown() {
  std::lock_guard lock(mutex_);
  shutting_down_ = true;
  changed_.notify_all();
}

std::optional<bus::KvEntry> JobWaiter::wait_until_terminal(const std::string& id,
                                                           Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  auto& waiter = waiters_[id];
  ++waiter.count;
  struct Release {
    JobWaiter& self;
    const std::string& id;
    ~Release() {
      auto it = self.waiters_.find(id);
      if (--it->second.count == 0) self.waiters_.erase(it);
    }
  } release{*this, id};

  while (true) {
    // Registered before reading: a write landing after the read is counted in `writes`.
    const std::uint64_t seen = waiter.writes;
    lock.unlock();
    auto entry = jobs_.get(id);
    lock.lock();
    if (!entry || is_terminal_entry(*entry)) return entry;
    if (!changed_.wait_until(lock, deadline,
                             [&] { return waiter.writes != seen || shutting_down_; }) ||
        shutting_down_) {
      return entry;
    }
  }
}

}  // namespace grid::api
