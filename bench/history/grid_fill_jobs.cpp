// grid_fill_jobs — stores N terminal one-step jobs straight into KV `jobs` of a NATS server
// (bench/README.md, stage "recovery"): a history as large as a controller that never deletes
// jobs (SPEC BUG-24) accumulates, in seconds instead of hours of real jobs. Each entry is a
// real encoded job (model::to_json_text), `completed`, with one node result; IDs are
// f000000000000000 + i, so a second fill with the same count rewrites the same keys.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/model/job.hpp"
#include "grid/model/json.hpp"

namespace {

std::string job_id(std::uint64_t i) {
  char id[17];
  std::snprintf(id, sizeof id, "%016llx",
                static_cast<unsigned long long>(0xf000000000000000ULL + i));
  return id;
}

std::string job_text(const std::string& id) {
  grid::model::JobRequest request;
  request.target = {"node", "w-00"};
  request.tasks.resize(1);
  request.tasks[0].backend = "ping";
  request.tasks[0].action = "echo";
  request.tasks[0].params = {{"message", "hello"}};
  auto job = grid::model::new_pending_job(request, id, {"w-00"}, grid::now());
  job.status = grid::model::JobStatus::kCompleted;
  job.step = 1;
  job.results[0]["w-00"].output = "hello";
  return grid::model::to_json_text(job);
}

}  // namespace

int main(int argc, char** argv) {
  std::string url = "nats://127.0.0.1:4222";
  std::uint64_t count = 10000;
  CLI::App app("grid_fill_jobs: stores terminal jobs in KV jobs");
  app.add_option("--url", url, "NATS server");
  app.add_option("--jobs", count, "how many jobs");
  CLI11_PARSE(app, argc, argv);
  try {
    grid::bus::ConnectionOptions options;
    options.urls = {url};
    options.name = "grid-fill-jobs";
    grid::bus::Connection connection(options);
    grid::bus::JetStream js(connection);
    grid::bus::KvStore::create_or_open(js, std::string(grid::bus::kJobsBucket), 1);
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::string id = job_id(i);
      js.publish_async(grid::bus::Message("$KV." + std::string(grid::bus::kJobsBucket) + "." + id,
                                          job_text(id)));
    }
    js.wait_async_acks(std::chrono::minutes(5));
    if (const auto failed = js.async_publish_errors()) {
      std::fprintf(stderr, "grid_fill_jobs: %llu of %llu writes failed\n",
                   static_cast<unsigned long long>(failed), static_cast<unsigned long long>(count));
      return 1;
    }
    std::printf("{\"jobs\": %llu}\n", static_cast<unsigned long long>(count));
  } catch (const grid::Error& e) {
    std::fprintf(stderr, "grid_fill_jobs: %s\n", e.what());
    return 1;
  }
  return 0;
}
