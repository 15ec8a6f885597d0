#include "grid/worker/consumers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "grid/bus/error.hpp"
#include "grid/bus/topology.hpp"

namespace grid::worker {
namespace {

const std::string kStream(bus::kCommandsStream);
constexpr Duration kFirstBackoff = std::chrono::milliseconds(250);
constexpr Duration kMaxBackoff = std::chrono::seconds(5);

const char* describe(bus::EnsureOutcome outcome) {
  switch (outcome) {
    case bus::EnsureOutcome::created:
      return "created";
    case bus::EnsureOutcome::reused:
      return "reused";
    case bus::EnsureOutcome::recreated:
      return "recreated (its settings had changed)";
  }
  return "?";
}

void delete_stale_group_consumers(bus::JetStream& js, const std::string& node,
                                  const std::vector<std::string>& groups) {
  for (const auto& name : js.consumer_names(kStream)) {
    const auto group = bus::worker_group_of(node, name);
    if (!group || std::find(groups.begin(), groups.end(), *group) != groups.end()) continue;
    js.delete_consumer(kStream, name);
    spdlog::info("deleted consumer {}: group {} is no longer configured", name, *group);
  }
}

}  // namespace

std::vector<bus::ConsumerConfig> ensure_worker_consumers(bus::JetStream& js,
                                                         const std::string& node,
                                                         const std::vector<std::string>& groups,
                                                         const ConsumerSettings& settings,
                                                         bool delete_stale) {
  std::vector<bus::ConsumerConfig> configs;
  for (const auto& consumer : bus::worker_consumers(node, groups)) {
    auto config = bus::worker_consumer_config(consumer, settings.inactive_threshold);
    config.ack_wait = settings.ack_wait;
    const auto outcome = js.ensure_consumer(kStream, config);
    spdlog::info("consumer {} on {}: {}", config.durable, config.filter_subject, describe(outcome));
    configs.push_back(std::move(config));
  }
  if (delete_stale) delete_stale_group_consumers(js, node, groups);
  return configs;
}

Fetcher::Fetcher(bus::JetStream& js, bus::ConsumerConfig config, Duration fetch_wait,
                 Deliver deliver)
    : js_(js),
      config_(std::move(config)),
      fetch_wait_(fetch_wait),
      deliver_(std::move(deliver)),
      subscription_(js_.pull_subscribe(kStream, config_.durable)),
      thread_([this] { work(); }) {}

Fetcher::~Fetcher() {
  stop();
  thread_.join();
}

void Fetcher::stop() {
  stop_.raise();
}

void Fetcher::work() {
  Duration backoff{};
  while (!stop_.raised()) {
    try {
      fetch_once();
      if (backoff != Duration::zero()) spdlog::info("fetching from {} again", config_.durable);
      backoff = Duration::zero();
    } catch (const Error& e) {
      const bool first = backoff == Duration::zero();
      backoff = first ? kFirstBackoff : std::min(backoff * 2, kMaxBackoff);
      if (first) {
        spdlog::warn("fetching from {} failed (retrying): {}", config_.durable, e.what());
      } else {
        spdlog::debug("fetching from {} failed: {}", config_.durable, e.what());
      }
      if (!stop_.sleep_for(backoff)) return;
      // Whatever failed, make sure the consumer exists: after "Consumer Deleted" (deleted, or
      // lost by a killed server) fetches only time out, and the worker would stay deaf.
      rebind();
    }
  }
}

void Fetcher::fetch_once() {
  for (auto& message : subscription_->fetch(1, fetch_wait_)) deliver_(std::move(message));
}

void Fetcher::rebind() {
  try {
    const auto outcome = js_.ensure_consumer(kStream, config_);
    if (outcome == bus::EnsureOutcome::reused) return;
    subscription_.emplace(js_.pull_subscribe(kStream, config_.durable));
    spdlog::warn("consumer {} was missing: {}", config_.durable, describe(outcome));
  } catch (const Error& e) {
    spdlog::debug("re-creating consumer {} failed: {}", config_.durable, e.what());
  }
}

}  // namespace grid::worker
