#include "grid/config/daemon_main.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "grid/common/log.hpp"
#include "grid/config/load.hpp"

namespace grid::config {

int daemon_main(int argc, char** argv, const DaemonInfo& info,
                const std::function<void(Config)>& run) {
  CLI::App app{info.program + ": " + info.description, info.program};
  std::string config_path = "./config.yaml";
  bool debug = false;
  auto* config_option =
      app.add_option("-c,--config", config_path, "configuration file")->capture_default_str();
  app.add_flag("-d,--debug", debug, "debug logging");
  app.set_version_flag("--version", info.program + " " + info.version);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  setup_logging(info.program, debug);
  try {
    auto loaded = load_config_file(config_path, config_option->count() > 0);
    for (const auto& warning : loaded.warnings) spdlog::warn("config: {}", warning);
    run(std::move(loaded.config));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", info.program.c_str(), e.what());
    return 1;
  }
  return 0;
}

}  // namespace grid::config
