// Queue consumption (SPEC §6.2): one thread pulls the shared durable `scheduler` consumer of
// stream `requests`, at most one message per free slot (scheduler.max_concurrent): each fetch
// asks for as many messages as slots are free and waits at most 2 s, and hands each message over with `on_request` (which must only post it
// to the loop). The loop gives a slot back with release_slot() when the job it held ends or
// the request is dropped. nats.c 3.4 has no callback pull, hence the thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "grid/bus/message.hpp"
#include "grid/bus/subscription.hpp"

namespace grid::scheduler {

inline constexpr Duration kFetchWait = std::chrono::seconds(2);

class RequestIntake {
 public:
  using Handler = std::function<void(std::shared_ptr<bus::Message>)>;

  // Starts the fetch thread. `slots` ≥ 1.
  RequestIntake(bus::PullSubscription subscription, int slots, Handler on_request);
  // stop().
  ~RequestIntake();
  RequestIntake(const RequestIntake&) = delete;
  RequestIntake& operator=(const RequestIntake&) = delete;

  // Thread-safe.
  void release_slot();
  // Stops pulling: returns once the fetch thread has ended (at most one fetch wait).
  // Idempotent; not from the fetch thread.
  void stop();

 private:
  void run();
  // Waits for a free slot and takes every free slot; 0 when stopping.
  int acquire_slots();
  void release_slots(int count);

  bus::PullSubscription subscription_;
  Handler on_request_;
  std::mutex mutex_;  // guards free_slots_ and stopping_
  std::condition_variable cv_;
  int free_slots_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace grid::scheduler
