#include "grid/worker/command.hpp"

#include <algorithm>
#include <chrono>

#include "grid/backends/output_limit.hpp"
#include "grid/common/duration.hpp"
#include "grid/common/error.hpp"

namespace grid::worker {
namespace {

model::TaskResult result_for(const Command& command, const std::string& node_id) {
  model::TaskResult result;
  result.job_id = command.message.job_id;
  result.task_index = command.message.task_index;
  result.node_id = node_id;
  return result;
}

}  // namespace

Command read_command(const bus::Message& message) {
  const auto headers = message.headers();
  Command command;
  try {
    command.message = model::decode_command(headers, message.data());
  } catch (const Error& e) {
    command.message = model::decode_command(headers, {});
    command.decode_error = std::string("decode params: ") + e.what();
  }
  command.message.task_index = std::max(command.message.task_index, 0);
  return command;
}

model::TaskResult execute(const Command& command, backends::Registry& registry,
                          const std::string& node_id, backends::RunContext& ctx) {
  if (!command.decode_error.empty()) return failed_result(command, node_id, command.decode_error);
  backends::Backend* backend = registry.find(command.message.backend);
  if (backend == nullptr) {
    return failed_result(command, node_id, "unknown backend: " + command.message.backend);
  }

  const auto start = backends::RunContext::Clock::now();
  backends::ActionResult outcome =
      backend->run(command.message.action, command.message.params, ctx);
  const auto end = backends::RunContext::Clock::now();

  model::TaskResult result = result_for(command, node_id);
  result.duration = std::chrono::duration_cast<Duration>(end - start);
  result.output = backends::truncate_output(std::move(outcome.output));  // BUG-35
  if (ctx.deadline() && end >= *ctx.deadline() && command.message.timeout) {
    outcome.error = "timeout after " + format_duration(*command.message.timeout);
  }
  result.status = outcome.error ? "failed" : "success";
  result.error = outcome.error.value_or("");
  result.timestamp = now();
  return result;
}

model::TaskResult failed_result(const Command& command, const std::string& node_id,
                                std::string error) {
  model::TaskResult result = result_for(command, node_id);
  result.status = "failed";
  result.error = std::move(error);
  result.timestamp = now();
  return result;
}

std::optional<std::string> stale_reason(const Command& command, Timestamp stored, Timestamp at) {
  const auto& timeout = command.message.timeout;
  if (!timeout || *timeout <= Duration::zero()) return std::nullopt;
  const Duration age = at - stored;
  if (age <= *timeout) return std::nullopt;
  const auto age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(age);
  return "skipped: command is older than its timeout (queued " + format_duration(age_ms) +
         " ago, timeout " + format_duration(*timeout) + ")";
}

}  // namespace grid::worker
