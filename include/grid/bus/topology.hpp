// The settings of GRID's streams and consumers (SPEC §4.2, §4.4, §16 D-2), next to the names
// in subjects.hpp. Pure functions; thread-safe.
#pragma once

#include "grid/bus/jetstream.hpp"
#include "grid/bus/subjects.hpp"

namespace grid::bus {

inline constexpr Duration kStreamMaxAge = std::chrono::hours(1);
inline constexpr Duration kAckWait = std::chrono::seconds(30);
inline constexpr Duration kDefaultInactiveThreshold = std::chrono::minutes(10);

// `commands`, `results` and `requests` with `replicas` (nats.jetstream.replicas), in the
// creation order of §4.6.
StreamConfig commands_stream_config(int replicas);
StreamConfig results_stream_config(int replicas);
StreamConfig requests_stream_config(int replicas);

// The shared `scheduler` consumer of `requests`.
ConsumerConfig scheduler_consumer_config();

// A worker consumer of `commands` (D-2): deliver new, ack wait 30 s, unlimited deliveries,
// max ack pending 1, the given inactive threshold (worker.inactive_threshold).
ConsumerConfig worker_consumer_config(const WorkerConsumer& consumer,
                                      Duration inactive_threshold = kDefaultInactiveThreshold);

}  // namespace grid::bus
