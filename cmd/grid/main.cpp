// grid — the GRID controller (SPEC §5, §12).
#include "grid/config/daemon_main.hpp"
#include "grid/controller/controller.hpp"

int main(int argc, char** argv) {
  return grid::config::daemon_main(
      argc, argv,
      {"grid", "the GRID controller (NATS JetStream, scheduler, HTTP API)", GRID_VERSION},
      [](grid::config::Config config) {
        grid::controller::Controller controller(std::move(config));
        controller.run();
      });
}
