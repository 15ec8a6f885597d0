// Long-poll support for GET /job/:id?wait=<duration> (our addition to SPEC §10.4): lets an
// HTTP thread block until a job's stored status is terminal, without polling KV.
//
// One core subscription on $KV.jobs.> sees every write of the `jobs` bucket live (no
// JetStream consumer); a write of a key someone waits for wakes that key's waiters only. A
// written value that is not terminal is taken as is (no read); a terminal one is confirmed by
// reading the job, because a core subscriber also sees writes the stream refused (a failed
// compare-and-swap). Thread-safe: wait_until_terminal() is called from many HTTP threads at
// once.
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
    std::string latest;        // the value of the latest of them
    std::condition_variable changed;
  };

  void on_write(std::string_view key, std::string_view value);

  bus::KvStore& jobs_;
  std::mutex mutex_;  // guards waiters_ and shutting_down_
  std::map<std::string, Waiters, std::less<>> waiters_;
  bool shutting_down_ = false;
  std::unique_ptr<bus::CoreSubscription> subscription_;  // last: stops before the rest goes
};

}  // namespace grid::api
