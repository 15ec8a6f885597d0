#include "grid/scheduler/command_publisher.hpp"

#include "grid/bus/subjects.hpp"
#include "grid/model/command_message.hpp"

namespace grid::scheduler {
namespace {

bus::Scope scope_of(const model::Target& target) {
  if (target.scope == "group") return bus::Scope::group;
  if (target.scope == "node") return bus::Scope::node;
  return bus::Scope::all;
}

}  // namespace

void CommandPublisher::publish(const std::string& job_id, const model::Phase& leaf, int flat_index,
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
  js_.publish(message);
}

void CommandPublisher::publish_to_node(const std::string& job_id, const model::Phase& leaf,
                                       int flat_index, const std::string& node) {
  publish(job_id, leaf, flat_index, model::Target{"node", node});
}

}  // namespace grid::scheduler
