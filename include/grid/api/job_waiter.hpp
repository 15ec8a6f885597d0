// Long-poll support for GET /job/:id?wait=<duration> (our addition to SPEC §10.4): lets an
// HTTP thread block until a job's stored status is terminal, without polling KV.
//
// One core subscription on $KV.jobs.> sees every write of the `jobs` bucket live (no
// JetStream consumer); writes of keys someone waits for wake those waiters, which then re-read
// the job. Thread-safe: wait_until_terminal() is called from many HTTP threads at once.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "grid/bus/connection.hpp"
#include "grid/bus/core_subscription.hpp"
#include "grid/bus/kv.hpp"
#include "grid/common/duration.hpp"

namespace grid::api {

class JobWaiter {
 public:
  // Subscribes at once; throws bus::NatsError when it cannot.
  JobWaiter(bus::Connection& connection, bus::KvStore& jobs);

  // The stored job once its status is terminal, or its stored value when `timeout` passes
  // first; nullopt when the job does not exist. Throws bus::NatsError / grid::Error on read
  // failures.
  std::optional<bus::KvEntry> wait_until_terminal(const std::string& id, Duration timeout);

  // Ends every wait early (with the job's current value) and makes later waits return at
  // once; for server shutdown.
  void shutdown();

 private:
  struct Waiters {
    int count = 0;
    std::uint64_t writes = 0;  // writes seen for the key since the first waiter registered
  };

  void on_write(std::string_view key);

  bus::KvStore& jobs_;
  std::mutex mutex_;  // guards waiters_
  std::condition_variable changed_;
  std::map<std::string, Waiters, std::less<>> waiters_;
  bool shutting_down_ = false;
  std::unique_ptr<bus::CoreSubscription> subscription_;  // last: stops before the rest goes
};

}  // namespace grid::api
