// gridw — the GRID worker (SPEC §8, §12).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "grid/bus/connection.hpp"
#include "grid/common/log.hpp"
#include "grid/config/load.hpp"
#include "grid/worker/worker.hpp"

namespace {

int run_worker(const std::string& config_path, bool explicit_path) {
  try {
    auto loaded = grid::config::load_config_file(config_path, explicit_path);
    for (const auto& warning : loaded.warnings) spdlog::warn("config: {}", warning);
    grid::worker::Worker worker(std::move(loaded.config));
    worker.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gridw: error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gridw: the GRID worker (runs commands from NATS JetStream through backends)",
               "gridw"};
  std::string config_path = "./config.yaml";
  bool debug = false;
  auto* config_option =
      app.add_option("-c,--config", config_path, "configuration file")->capture_default_str();
  app.add_flag("-d,--debug", debug, "debug logging");
  app.set_version_flag("--version", "gridw " GRID_VERSION);
  CLI11_PARSE(app, argc, argv);

  grid::setup_logging("gridw", debug);
  const int status = run_worker(config_path, config_option->count() > 0);
  grid::bus::shutdown_nats_library(std::chrono::seconds(5));
  return status;
}
