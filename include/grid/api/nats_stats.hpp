// GET /nats (SPEC §10.9, D-3): statistics of the NATS server from its monitoring endpoint.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace grid::api {

struct NatsStatsResponse {
  int status = 200;  // 200, 500 (bad answer) or 503 (server not reachable/not configured)
  nlohmann::ordered_json body;  // the §10.9 object, or {"error": ...}
};

// Fetches `<monitoring_url>/varz` (2 s timeout) and keeps the keys of §10.9 (`jetstream`
// passed through). An empty `monitoring_url` (sidecar mode without nats.http) or a
// connection failure answers 503 {"error":"NATS server not available"}; a non-200 answer or
// undecodable JSON answers 500. Thread-safe.
NatsStatsResponse fetch_nats_stats(const std::string& monitoring_url);

// The §10.9 object from a /varz document (pure; missing keys are left out).
nlohmann::ordered_json select_varz_fields(const nlohmann::json& varz);

}  // namespace grid::api
