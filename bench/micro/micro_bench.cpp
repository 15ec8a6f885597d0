// Micro benchmarks (Google Benchmark) of the CPU work on the job path: job JSON parse and
// serialise, request validation, target resolution over 10,000 nodes and subject building.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "grid/bus/subjects.hpp"
#include "grid/common/timestamp.hpp"
#include "grid/model/job.hpp"
#include "grid/model/json.hpp"
#include "grid/model/node_info.hpp"
#include "grid/model/validation.hpp"
#include "grid/scheduler/target_resolution.hpp"

namespace {

constexpr const char* kRequest =
    R"({"target":{"scope":"group","value":"web"},"tasks":[)"
    R"({"backend":"ping","action":"echo","params":{"message":"hello"}},)"
    R"({"tasks":[{"backend":"systemd","action":"restart","params":{"unit":"nginx"}},)"
    R"({"backend":"ping","action":"echo","params":{"message":"done"},"timeout":"30s"}]},)"
    R"({"backend":"ping","action":"echo","condition":"on_failure","max_retries":2}],)"
    R"("strategy":"continue","timeout":"30m"})";

// A completed one-step job on `nodes` nodes, as stored in KV.
std::string stored_job(int nodes) {
  auto request = grid::model::parse_job_request(
      R"({"target":{"scope":"all"},"tasks":[{"backend":"ping","action":"echo"}]})");
  std::vector<std::string> expected;
  for (int i = 0; i < nodes; ++i) expected.push_back("node-" + std::to_string(i));
  auto job = grid::model::new_pending_job(request, "3f9c2a7b1e4d8c60", expected, grid::now());
  job.status = grid::model::JobStatus::kCompleted;
  job.owner = "ctrl-a";
  for (const auto& node : expected) {
    grid::model::NodeResult r;
    r.status = grid::model::NodeResultStatus::kSuccess;
    r.output = "pong";
    r.duration = std::chrono::microseconds(12500);
    job.results[0][node] = r;
  }
  return grid::model::dump_json(grid::model::encode(job));
}

void BM_ParseJobRequest(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(grid::model::parse_job_request(kRequest));
}
BENCHMARK(BM_ParseJobRequest);

void BM_ValidateJobRequest(benchmark::State& state) {
  const auto request = grid::model::parse_job_request(kRequest);
  for (auto _ : state) benchmark::DoNotOptimize(grid::model::validate_job_request(request));
}
BENCHMARK(BM_ValidateJobRequest);

void BM_ParseStoredJob(benchmark::State& state) {
  const auto text = stored_job(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(grid::model::parse_job(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseStoredJob)->Arg(1)->Arg(100)->Arg(10000);

void BM_SerialiseStoredJob(benchmark::State& state) {
  const auto job = grid::model::parse_job(stored_job(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    benchmark::DoNotOptimize(grid::model::dump_json(grid::model::encode(job)));
  }
}
BENCHMARK(BM_SerialiseStoredJob)->Arg(1)->Arg(100)->Arg(10000);

std::vector<grid::model::NodeInfo> fleet(int n) {
  std::vector<grid::model::NodeInfo> nodes;
  const auto seen = grid::now();
  for (int i = 0; i < n; ++i) {
    grid::model::NodeInfo info;
    info.id = "node-" + std::to_string(i);
    info.hostname = info.id;
    info.groups = std::vector<std::string>{"g" + std::to_string(i % 10), "all-web"};
    info.backends = std::vector<std::string>{"apt", "ping", "rke2", "systemd", "test"};
    info.status = "online";
    info.last_seen = seen;
    nodes.push_back(std::move(info));
  }
  return nodes;
}

void BM_ResolveTargets(benchmark::State& state, grid::model::Target target) {
  const auto nodes = fleet(10000);
  const auto at = grid::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(grid::scheduler::match_targets(nodes, target, at));
  }
}
BENCHMARK_CAPTURE(BM_ResolveTargets, all_10k, grid::model::Target{"all", ""});
BENCHMARK_CAPTURE(BM_ResolveTargets, group_10k, grid::model::Target{"group", "g3"});
BENCHMARK_CAPTURE(BM_ResolveTargets, node_10k, grid::model::Target{"node", "node-9999"});

void BM_DecodeNodeList(benchmark::State& state) {
  std::vector<std::string> texts;
  for (const auto& n : fleet(10000)) texts.push_back(grid::model::dump_json(grid::model::encode(n)));
  for (auto _ : state) {
    std::vector<grid::model::NodeInfo> nodes;
    nodes.reserve(texts.size());
    for (const auto& t : texts) nodes.push_back(grid::model::parse_node_info(t));
    benchmark::DoNotOptimize(nodes);
  }
}
BENCHMARK(BM_DecodeNodeList)->Unit(benchmark::kMillisecond);

void BM_CommandSubject(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        grid::bus::command_subject(grid::bus::Scope::group, "web", "systemd", "restart"));
  }
}
BENCHMARK(BM_CommandSubject);

void BM_ResultSubject(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(grid::bus::result_subject("3f9c2a7b1e4d8c60", 3, "web-01"));
  }
}
BENCHMARK(BM_ResultSubject);

void BM_ParseResultSubject(benchmark::State& state) {
  const auto subject = grid::bus::result_subject("3f9c2a7b1e4d8c60", 3, "web-01");
  for (auto _ : state) benchmark::DoNotOptimize(grid::bus::parse_result_subject(subject));
}
BENCHMARK(BM_ParseResultSubject);

}  // namespace

BENCHMARK_MAIN();
