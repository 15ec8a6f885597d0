// gridw — the GRID worker (SPEC §8, §12).
#include "grid/bus/connection.hpp"
#include "grid/config/daemon_main.hpp"
#include "grid/worker/worker.hpp"

int main(int argc, char** argv) {
  const int status = grid::config::daemon_main(
      argc, argv,
      {"gridw", "the GRID worker (runs commands from NATS JetStream through backends)",
       GRID_VERSION},
      [](grid::config::Config config) {
        grid::worker::Worker worker(std::move(config));
        worker.run();
      });
  grid::bus::shutdown_nats_library(std::chrono::seconds(5));
  return status;
}
