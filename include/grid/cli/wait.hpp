// Waiting for a job to finish (`gridc job run --wait`, SPEC §11.3).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "grid/cli/http_client.hpp"
#include "grid/model/job.hpp"

namespace grid::cli {

struct WaitSettings {
  // `wait` of each long-poll request GET /job/<id>?wait=<d>; short enough to refresh progress.
  std::chrono::milliseconds long_poll{std::chrono::seconds{1}};
  // Interval of plain polling (the server refused the parameter with 400) and the minimum
  // spacing of long-poll requests, so that a server ignoring `wait` is not hammered.
  std::chrono::milliseconds poll_interval{500};
};

// Polls the job until its status is terminal and returns it. Uses the long-poll parameter
// first and falls back to plain polling for good when the server answers 400 to it.
// `on_update` sees every non-terminal state. Throws TransportError, or grid::Error
// "API error (<code>): <body>" for an HTTP error and "GET <path>: <reason>" for an
// undecodable job.
model::Job wait_for_job(ApiClient& client, const std::string& id, const WaitSettings& settings,
                        const std::function<void(const model::Job&)>& on_update);

// Exit status of `job run --wait` (§11.5): 0 for completed, 1 for failed or cancelled.
int exit_code_for(model::JobStatus status);

}  // namespace grid::cli
