// gridc — the GRID command-line client (SPEC §11).
#include <unistd.h>

#include <iostream>

#include "grid/cli/commands.hpp"
#include "grid/common/log.hpp"

int main(int argc, char** argv) {
  grid::setup_logging("gridc", false);
  grid::cli::Console console{std::cout, std::cerr, isatty(STDERR_FILENO) == 1};
  return grid::cli::run_gridc({argv + 1, argv + argc}, console);
}
