// The controller's one results subscription (SPEC §4.4, BUG-54): a core subscription on
// `result.>` that decodes every TaskResult and hands it to `on_result`. No consumer is ever
// created per job, step or attempt; acceptance is decided by the running phase (§6.7, §6.9).
#pragma once

#include <functional>

#include "grid/bus/connection.hpp"
#include "grid/bus/core_subscription.hpp"
#include "grid/model/task_result.hpp"

namespace grid::scheduler {

class ResultListener {
 public:
  // `on_result` runs on a nats.c thread for every result that decodes and whose subject
  // result.<job>.<index>.<node> names the body's job, task_index and node_id (others are
  // dropped with a warning); it must only post to the loop. Throws bus::NatsError.
  ResultListener(bus::Connection& connection, std::function<void(model::TaskResult)> on_result);

 private:
  bus::CoreSubscription subscription_;
};

}  // namespace grid::scheduler
