#include "grid/api/nats_stats.hpp"

#include <httplib.h>

#include "grid/common/error.hpp"
#include "grid/model/json.hpp"

namespace grid::api {
namespace {

constexpr const char* kVarzKeys[] = {
    "server_id", "server_name", "version",           "uptime",    "mem",           "cpu",
    "cores",     "connections", "total_connections", "routes",    "subscriptions", "slow_consumers",
    "in_msgs",   "out_msgs",    "in_bytes",          "out_bytes", "jetstream"};

NatsStatsResponse unavailable() {
  return {503, {{"error", "NATS server not available"}}};
}

}  // namespace

nlohmann::ordered_json select_varz_fields(const nlohmann::json& varz) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const char* key : kVarzKeys) {
    if (varz.contains(key)) out[key] = varz[key];
  }
  return out;
}

NatsStatsResponse fetch_nats_stats(const std::string& monitoring_url) {
  if (monitoring_url.empty()) return unavailable();
  httplib::Client client(monitoring_url);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(2, 0);
  auto response = client.Get("/varz");
  if (!response) return unavailable();
  if (response->status != 200) {
    return {500,
            {{"error", "NATS monitoring endpoint answered " + std::to_string(response->status)}}};
  }
  try {
    auto varz = model::parse_json(response->body);
    if (!varz.is_object()) throw Error("not a JSON object");
    return {200, select_varz_fields(varz)};
  } catch (const std::exception& e) {
    return {500, {{"error", std::string("decoding NATS server statistics: ") + e.what()}}};
  }
}

}  // namespace grid::api
