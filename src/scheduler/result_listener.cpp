#include "grid/scheduler/result_listener.hpp"

#include <spdlog/spdlog.h>

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"

namespace grid::scheduler {

ResultListener::ResultListener(bus::Connection& connection,
                               std::function<void(model::TaskResult)> on_result)
    : subscription_(connection, std::string(bus::kResultsStreamSubjects),
                    [on_result = std::move(on_result)](bus::Message message) {
                      try {
                        on_result(model::parse_task_result(message.data()));
                      } catch (const Error& e) {
                        spdlog::debug("ignoring result on {}: {}", message.subject(), e.what());
                      }
                    }) {}

}  // namespace grid::scheduler
