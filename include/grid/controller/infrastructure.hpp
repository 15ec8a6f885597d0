// The controller's NATS infrastructure (SPEC §4.2, §4.3, §4.6): the three streams and four KV
// buckets, created in the order of §4.6 when missing.
#pragma once

#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"

namespace grid::controller {

// Handles on the buckets a controller uses. Thread-safe (see bus::KvStore).
struct Infrastructure {
  bus::KvStore cluster;
  bus::KvStore jobs;
  bus::KvStore nodes;
  bus::KvStore controllers;
};

// Ensures streams `commands`, `results`, `requests`, bucket `cluster` with
// `cluster/status` = `active`, buckets `jobs`, `nodes`, `controllers`, in that order, all with
// `replicas`. Streams that exist are used as they are. Throws grid::Error naming the failed
// item, e.g. "ensuring commands stream: <nats error>", "storing cluster status: ...".
Infrastructure ensure_infrastructure(bus::JetStream& js, int replicas);

}  // namespace grid::controller
