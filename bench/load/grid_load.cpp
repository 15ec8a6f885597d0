// grid_load — drives a running controller through its HTTP API and prints one JSON object with
// what it measured (bench/README.md). Every job is submitted with POST /job and followed with
// the long-poll GET /job/<id>?wait= until it is terminal; a job that does not end `completed`
// with one result per expected node and step is an error, so no figure skips contract work.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8765;
  std::string mode = "latency";
  int jobs = 100;
  int inflight = 1;
  std::string scope = "node";
  std::vector<std::string> values;  // node ids (round robin) or group name
  int expect_nodes = 1;             // results expected per step
  int steps = 1;
  std::string message = "pong";
  std::string wait = "120s";
};

constexpr long kMaxTransportErrors = 100;
std::atomic<long> transport_errors{0};

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

json make_job(const Options& o, int n) {
  json target = {{"scope", o.scope}};
  if (!o.values.empty()) target["value"] = o.values[static_cast<std::size_t>(n) % o.values.size()];
  json echo = {{"backend", "ping"}, {"action", "echo"}, {"params", {{"message", o.message}}}};
  json tasks = json::array();
  if (o.mode == "pipeline") {
    json sub = json::array();
    for (int i = 0; i < o.steps; ++i) sub.push_back(echo);
    tasks.push_back({{"tasks", sub}});
  } else {
    for (int i = 0; i < o.steps; ++i) tasks.push_back(echo);
  }
  return {{"target", target}, {"tasks", tasks}, {"strategy", "fail-fast"}};
}

// Submits one job and waits until it is terminal; returns the terminal document.
json run_job(httplib::Client& client, const Options& o, int n, std::atomic<long>& rejected) {
  const auto body = make_job(o, n).dump();
  for (;;) {
    auto posted = client.Post("/job", body, "application/json");
    if (!posted && ++transport_errors <= kMaxTransportErrors) {
      // A connection the server dropped (counted and reported; the job may exist twice).
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (!posted) throw std::runtime_error("POST /job: " + httplib::to_string(posted.error()));
    if (posted->status == 429) {  // queue full: counted, retried
      ++rejected;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (posted->status != 202) {
      throw std::runtime_error("POST /job: " + std::to_string(posted->status) + " " + posted->body);
    }
    const auto id = json::parse(posted->body).at("id").get<std::string>();
    for (;;) {
      auto got = client.Get("/job/" + id + "?wait=" + o.wait);
      if (!got && ++transport_errors <= kMaxTransportErrors) continue;
      if (!got || got->status != 200) {
        throw std::runtime_error("GET /job/" + id + " failed");
      }
      auto job = json::parse(got->body);
      const auto status = job.at("status").get<std::string>();
      if (status == "pending" || status == "running") continue;  // long-poll timed out
      return job;
    }
  }
}

// Every step must hold a success result from every expected node (persistence of each result).
void check(const json& job, const Options& o) {
  if (job.at("status") != "completed") throw std::runtime_error("job not completed: " + job.dump().substr(0, 2000));
  const auto& results = job.at("results");
  // Leaves are indexed flat, pipeline sub-steps included (SPEC §3.2).
  const auto want_steps = static_cast<std::size_t>(o.steps);
  for (const auto& [step, per_node] : results.items()) {
    if (per_node.size() != static_cast<std::size_t>(o.expect_nodes)) {
      throw std::runtime_error("step " + step + ": " + std::to_string(per_node.size()) +
                               " results, expected " + std::to_string(o.expect_nodes) +
                               " (the job expected " + std::to_string(job.at("expected").size()) +
                               " nodes)");
    }
    for (const auto& [node, r] : per_node.items()) {
      if (r.at("status") != "success") throw std::runtime_error("result not success: " + r.dump());
    }
  }
  if (results.size() != want_steps) {
    throw std::runtime_error("stored steps " + std::to_string(results.size()));
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"grid_load: HTTP API load driver for bench/run.sh", "grid_load"};
  app.add_option("--host", o.host);
  app.add_option("--port", o.port);
  app.add_option("--mode", o.mode, "latency | throughput | barrier | pipeline");
  app.add_option("--jobs", o.jobs);
  app.add_option("--inflight", o.inflight, "client threads, one job each at a time");
  app.add_option("--scope", o.scope);
  app.add_option("--values", o.values, "target values, used round robin");
  app.add_option("--expect-nodes", o.expect_nodes);
  app.add_option("--steps", o.steps);
  app.add_option("--message", o.message);
  CLI11_PARSE(app, argc, argv);

  std::vector<double> lat;
  std::mutex lat_mutex;
  std::atomic<int> next{0};
  std::atomic<long> rejected{0};
  std::atomic<bool> failed{false};
  std::string failure;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < o.inflight; ++t) {
    threads.emplace_back([&] {
      httplib::Client client(o.host, o.port);
      client.set_keep_alive(true);
      client.set_read_timeout(std::chrono::seconds(180));
      client.set_tcp_nodelay(true);
      client.set_tcp_nodelay(true);
      try {
        for (int n = next++; n < o.jobs && !failed; n = next++) {
          const auto t0 = Clock::now();
          auto job = run_job(client, o, n, rejected);
          const auto us = micros(Clock::now() - t0);
          check(job, o);
          std::lock_guard lock(lat_mutex);
          lat.push_back(us);
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(lat_mutex);
        if (!failed.exchange(true)) failure = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = micros(Clock::now() - start) / 1e6;
  if (failed) {
    std::fprintf(stderr, "grid_load: error: %s\n", failure.c_str());
    return 1;
  }
  json out = {{"mode", o.mode},
              {"jobs", lat.size()},
              {"inflight", o.inflight},
              {"steps", o.steps},
              {"nodes", o.expect_nodes},
              {"seconds", seconds},
              {"jobs_per_s", static_cast<double>(lat.size()) / seconds},
              {"rejected_429", rejected.load()},
              {"transport_errors_retried", transport_errors.load()},
              {"p50_us", percentile(lat, 50)},
              {"p90_us", percentile(lat, 90)},
              {"p99_us", percentile(lat, 99)},
              {"max_us", percentile(lat, 100)}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
