#include "grid/cli/wait.hpp"

#include <thread>

#include "grid/cli/http_status.hpp"
#include "grid/common/duration.hpp"

namespace grid::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kBadRequest = 400;

}  // namespace

model::Job wait_for_job(ApiClient& client, const std::string& id, const WaitSettings& settings,
                        const std::function<void(const model::Job&)>& on_update) {
  const auto path = "/job/" + id;
  bool long_poll = true;
  while (true) {
    auto started = Clock::now();
    auto request_path = long_poll ? path + "?wait=" + format_duration(settings.long_poll) : path;
    auto response =
        client.get(request_path, long_poll ? settings.long_poll : std::chrono::milliseconds{0});
    if (long_poll && response.status == kBadRequest) {
      long_poll = false;
      continue;
    }
    check_api_status(response);
    auto job = decode_job_response("GET " + request_path, response.body);
    if (model::is_terminal(job.status)) return job;
    on_update(job);
    std::this_thread::sleep_until(started + settings.poll_interval);
  }
}

int exit_code_for(model::JobStatus status) {
  return status == model::JobStatus::kCompleted ? 0 : 1;
}

}  // namespace grid::cli
