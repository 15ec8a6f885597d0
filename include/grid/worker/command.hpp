// One command as the worker executes it (SPEC §3.5, §3.6, §8.2): reading the received
// message, running it through a backend and building its TaskResult. Pure functions apart from
// the backend call; thread-safe as long as the backends are.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grid/backends/backend.hpp"
#include "grid/backends/registry.hpp"
#include "grid/bus/message.hpp"
#include "grid/common/timestamp.hpp"
#include "grid/model/command_message.hpp"
#include "grid/model/task_result.hpp"

namespace grid::worker {

struct Command {
  model::CommandMessage message;  // headers and params (params empty when decoding failed)
  std::string decode_error;       // "decode params: <error>" when the body is unusable
};

// Reads headers job-id, task-index (unparsable or negative → 0), backend, action, timeout
// (unparsable → none) and the body (a JSON object of strings, or null). Never throws.
Command read_command(const bus::Message& message);

// §8.2 steps 2–5 without the publish: a decode error, an unknown backend
// (`unknown backend: <name>`) or the backend's own result. `duration` is the wall time of the
// backend run; when `ctx` reached its deadline first the result is failed with
// `timeout after <timeout>`; output is truncated (BUG-35); `timestamp` is now.
// Runs on the worker's executor thread; `ctx` may be cancelled from another thread.
model::TaskResult execute(const Command& command, backends::Registry& registry,
                          const std::string& node_id, backends::RunContext& ctx);

// A failed result for `command` with `error` and no output.
model::TaskResult failed_result(const Command& command, const std::string& node_id,
                                std::string error);

// BUG-60: why a command stored at `stored` must not run at `at` because it is older than its
// `timeout` header (the controller gave up on it), or nullopt when it may run.
std::optional<std::string> stale_reason(const Command& command, Timestamp stored, Timestamp at);

}  // namespace grid::worker
