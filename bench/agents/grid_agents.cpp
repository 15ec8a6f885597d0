// grid_agents — runs N worker agents in one process through grid::worker::AgentHost (the
// sharing is described in include/grid/worker/agent_host.hpp). Prints one JSON line once all
// are registered online ({"agents":N,"register_s":…}), then serves until SIGINT/SIGTERM or
// until stdin closes, stops every agent (drain, offline) and prints {"stopped_s":…}.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "grid/bus/connection.hpp"
#include "grid/common/log.hpp"
#include "grid/worker/agent_host.hpp"

int main(int argc, char** argv) {
  grid::worker::AgentHostOptions options;
  int count = 100;
  int first = 0;
  std::string prefix = "agent-";
  std::vector<std::string> groups;
  CLI::App app{"grid_agents: many GRID worker agents in one process (bench/)", "grid_agents"};
  app.add_option("--url", options.urls)->required();
  app.add_option("--count", count);
  app.add_option("--first", first, "number of the first agent (IDs <prefix><number>)");
  app.add_option("--prefix", prefix);
  app.add_option("--groups", groups);
  app.add_option("--connections", options.connections);
  app.add_option("--loops", options.loops);
  app.add_option("--startup-threads", options.startup_threads);
  CLI11_PARSE(app, argc, argv);
  // stderr: stdout carries the JSON lines, and run.py stops reading it after the first one (a
  // warning per agent written to that pipe filled it and blocked every logging thread).
  grid::setup_logging("grid_agents", false);
  spdlog::set_level(spdlog::level::warn);
  options.hostname = "grid-agents";

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started below

  int status = 0;
  try {
    std::vector<grid::worker::AgentSpec> specs;
    for (int i = first; i < first + count; ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "%s%05d", prefix.c_str(), i);
      specs.push_back({id, groups});
    }
    const auto t0 = std::chrono::steady_clock::now();
    grid::worker::AgentHost host(options);
    host.start(std::move(specs));
    const double registered =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"agents\":%d,\"register_s\":%.3f}\n", count, registered);
    std::fflush(stdout);
    int signum = 0;
    sigwait(&signals, &signum);
    const auto t1 = std::chrono::steady_clock::now();
    host.stop();
    std::printf("{\"stopped_s\":%.3f}\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "grid_agents: error: %s\n", e.what());
    status = 1;
  }
  grid::bus::shutdown_nats_library(std::chrono::seconds(5));
  return status;
}
