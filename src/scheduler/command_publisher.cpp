#include "grid/scheduler/command_publisher.hpp"

#include <optional>

#include "grid/bus/subjects.hpp"
#include "grid/model/command_message.hpp"

namespace grid::scheduler {
namespace {

bus::Scope scope_of(const model::Target& target) {
  if (target.scope == "group") return bus::Scope::group;
  if (target.scope == "node") return bus::Scope::node;
  return bus::Scope::all;
}

bus::Message command_of(const std::string& job_id, const model::Phase& leaf, int flat_index,
                        const model::Target& target) {
  model::CommandMessage command;
  command.target = target;
  command.job_id = job_id;
  command.task_index = flat_index;
  command.backend = leaf.backend;
  command.action = leaf.action;
  command.timeout = model::effective_timeout(leaf);
  command.params = leaf.params;
  bus::Message message(
      bus::command_subject(scope_of(target), target.value, leaf.backend, leaf.action),
      model::command_body(command));
  for (const auto& [name, value] : model::command_headers(command)) {
    message.set_header(name, value);
  }
  return message;
}

}  // namespace

void CommandPublisher::publish(const std::string& job_id, const model::Phase& leaf, int flat_index,
                               const model::Target& target, OnFailure on_failure) {
  std::optional<bus::Message> message;
  try {
    message.emplace(command_of(job_id, leaf, flat_index, target));
  } catch (const Error& e) {
    on_failure(e);
    return;
  }
  publisher_.publish(std::move(*message), [on_failure = std::move(on_failure)](bus::PublishAck ack) {
    if (ack.error) on_failure(*ack.error);
  });
}

}  // namespace grid::scheduler
