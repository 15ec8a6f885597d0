// Publishing commands to workers (SPEC §3.5, §4.5): headers job-id, task-index, backend,
// action and timeout, params as the body, subjects only from bus::command_subject.
#pragma once

#include <string>

#include "grid/bus/jetstream.hpp"
#include "grid/model/phase.hpp"
#include "grid/model/target.hpp"

namespace grid::scheduler {

// Thread-safe (JetStream is); the scheduler uses it from its loop thread.
class CommandPublisher {
 public:
  explicit CommandPublisher(bus::JetStream& js) : js_(js) {}

  // Publishes `leaf` of job `job_id` as step `flat_index` on the subject of `target`
  // (scope "group"/"node" → that family, anything else → cmd.all), with header `timeout` =
  // the leaf's effective timeout. Synchronous: returns once the `commands` stream stored it.
  // Throws grid::Error (bus::NatsError) when the publish fails.
  void publish(const std::string& job_id, const model::Phase& leaf, int flat_index,
               const model::Target& target);

  // The node-scoped form: cmd.node.<node>.<backend>.<action>.
  void publish_to_node(const std::string& job_id, const model::Phase& leaf, int flat_index,
                       const std::string& node);

 private:
  bus::JetStream& js_;
};

}  // namespace grid::scheduler
