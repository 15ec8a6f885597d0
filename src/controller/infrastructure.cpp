#include "grid/controller/infrastructure.hpp"

#include <string>
#include <utility>

#include "grid/bus/subjects.hpp"
#include "grid/bus/topology.hpp"
#include "grid/common/error.hpp"

namespace grid::controller {
namespace {

// Runs `step`, prefixing any failure with `what` (the item of §4.6 that failed).
template <typename Step>
auto named_step(const std::string& what, Step&& step) {
  try {
    return std::forward<Step>(step)();
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
}

void ensure_stream(bus::JetStream& js, const bus::StreamConfig& config) {
  named_step("ensuring " + config.name + " stream", [&] { return js.ensure_stream(config); });
}

bus::KvStore ensure_bucket(bus::JetStream& js, std::string_view bucket, int replicas) {
  std::string name(bucket);
  return named_step("ensuring " + name + " bucket",
                    [&] { return bus::KvStore::create_or_open(js, name, replicas); });
}

}  // namespace

Infrastructure ensure_infrastructure(bus::JetStream& js, int replicas) {
  ensure_stream(js, bus::commands_stream_config(replicas));
  ensure_stream(js, bus::results_stream_config(replicas));
  ensure_stream(js, bus::requests_stream_config(replicas));
  auto cluster = ensure_bucket(js, bus::kClusterBucket, replicas);
  named_step("storing cluster status", [&] {
    return cluster.put(std::string(bus::kClusterStatusKey), bus::kClusterStatusActive);
  });
  auto jobs = ensure_bucket(js, bus::kJobsBucket, replicas);
  auto nodes = ensure_bucket(js, bus::kNodesBucket, replicas);
  auto controllers = ensure_bucket(js, bus::kControllersBucket, replicas);
  return Infrastructure{std::move(cluster), std::move(jobs), std::move(nodes),
                        std::move(controllers)};
}

}  // namespace grid::controller
