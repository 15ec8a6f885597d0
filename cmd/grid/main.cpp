// grid — the GRID controller (SPEC §5, §12).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

#include "grid/common/log.hpp"
#include "grid/config/load.hpp"
#include "grid/controller/controller.hpp"

int main(int argc, char** argv) {
  CLI::App app{"grid: the GRID controller (NATS JetStream, scheduler, HTTP API)", "grid"};
  std::string config_path = "./config.yaml";
  bool debug = false;
  auto* config_option =
      app.add_option("-c,--config", config_path, "configuration file")->capture_default_str();
  app.add_flag("-d,--debug", debug, "debug logging");
  app.set_version_flag("--version", "grid " GRID_VERSION);
  CLI11_PARSE(app, argc, argv);

  grid::setup_logging("grid", debug);
  try {
    auto loaded = grid::config::load_config_file(config_path, config_option->count() > 0);
    for (const auto& warning : loaded.warnings) spdlog::warn("config: {}", warning);
    grid::controller::Controller controller(std::move(loaded.config));
    controller.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "grid: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
