#include "grid/scheduler/result_listener.hpp"

#include <spdlog/spdlog.h>

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"

namespace grid::scheduler {
namespace {

// True when the subject is result.<job>.<index>.<node> naming the body's job, index and node
// (Go reads each step's results through a result.<job>.<index>.> filter).
bool subject_matches(std::string_view subject, const model::TaskResult& result) {
  const auto parsed = bus::parse_result_subject(subject);
  return parsed && result.task_index >= 0 && parsed->job == result.job_id &&
         parsed->task_index == static_cast<std::uint64_t>(result.task_index) &&
         parsed->node == result.node_id;
}

}  // namespace

ResultListener::ResultListener(bus::Connection& connection,
                               std::function<void(model::TaskResult)> on_result)
    : subscription_(connection, std::string(bus::kResultsStreamSubjects),
                    [on_result = std::move(on_result)](bus::Message message) {
                      model::TaskResult result;
                      try {
                        result = model::parse_task_result(message.data());
                      } catch (const Error& e) {
                        spdlog::warn("ignoring result on {}: {}", message.subject(), e.what());
                        return;
                      }
                      if (!subject_matches(message.subject(), result)) {
                        spdlog::warn("ignoring result on {}: it is for job {} step {} node {}",
                                     message.subject(), result.job_id, result.task_index,
                                     result.node_id);
                        return;
                      }
                      on_result(std::move(result));
                    }) {}

}  // namespace grid::scheduler
