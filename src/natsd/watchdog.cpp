#include "watchdog.hpp"

#include <spdlog/spdlog.h>

#include "grid/common/error.hpp"
#include "readiness.hpp"

namespace grid::natsd {

Watchdog::Watchdog(WatchdogOptions options, std::string monitoring_url, ChildPid child,
                   OnStalled on_stalled)
    : options_(options),
      monitoring_url_(std::move(monitoring_url)),
      child_(std::move(child)),
      on_stalled_(std::move(on_stalled)) {
  if (options_.interval.count() <= 0 || options_.timeout.count() <= 0 || options_.failures <= 0) {
    throw Error("the nats-server watchdog needs a positive interval, timeout and failure count");
  }
  thread_ = std::thread([this] { run(); });
}

Watchdog::~Watchdog() {
  ending_.raise();
  thread_.join();
}

void Watchdog::run() {
  while (ending_.sleep_for(options_.interval)) {
    const int pid = child_();
    if (pid != watched_) {
      watched_ = pid;
      failures_ = 0;
    }
    if (pid != 0) probe(pid);
  }
}

void Watchdog::probe(int pid) {
  const auto began = Clock::now();
  const auto failure = jetstream_stalled(monitoring_url_, options_.timeout);
  if (!failure) {
    spdlog::trace("nats-server (pid {}) answered GET {}/jsz", pid, monitoring_url_);
    failures_ = 0;
    return;
  }
  if (failures_++ == 0) first_failure_ = began;
  spdlog::warn("nats-server (pid {}) did not answer GET {}/jsz: {} ({} of {} before a restart)",
               pid, monitoring_url_, *failure, failures_, options_.failures);
  if (failures_ < options_.failures) return;
  const auto stalled_s =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - first_failure_).count();
  on_stalled_(pid, "has not answered GET " + monitoring_url_ + "/jsz for " +
                       std::to_string(stalled_s) + " s (" + std::to_string(failures_) +
                       " probes in a row; last: " + *failure + ")");
  failures_ = 0;
}

}  // namespace grid::natsd
