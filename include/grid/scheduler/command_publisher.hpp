// Publishing commands to workers (SPEC §3.5, §4.5): headers job-id, task-index, backend,
// action and timeout, params as the body, subjects only from bus::command_subject.
#pragma once

#include <functional>
#include <string>

#include "grid/bus/async_publisher.hpp"
#include "grid/model/phase.hpp"
#include "grid/model/target.hpp"

namespace grid::scheduler {

// Thread-safe (AsyncPublisher is); the scheduler uses it from its loop thread.
class CommandPublisher {
 public:
  // Runs on a bus thread when the `commands` stream did not store a command.
  using OnFailure = std::function<void(const Error& error)>;

  explicit CommandPublisher(bus::AsyncPublisher& publisher) : publisher_(publisher) {}

  // Publishes `leaf` of job `job_id` as step `flat_index` on the subject of `target`
  // (scope "group"/"node" → that family, anything else → cmd.all), with header `timeout` =
  // the leaf's effective timeout. Returns at once; the stream's ack is not waited for (the
  // worker may already run the command when it arrives). `on_failure` runs once if the
  // stream refuses the command or does not acknowledge it in time, or if it cannot be sent.
  void publish(const std::string& job_id, const model::Phase& leaf, int flat_index,
               const model::Target& target, OnFailure on_failure);

 private:
  bus::AsyncPublisher& publisher_;
};

}  // namespace grid::scheduler
