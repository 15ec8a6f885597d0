// The command line shared by the daemons `grid` and `gridw` (SPEC §12): `-c/--config <file>`
// (default ./config.yaml; a missing default file means built-in defaults, a missing explicit
// one is an error), `-d/--debug`, `--version`. Main thread only.
#pragma once

#include <functional>
#include <string>

#include "grid/config/config.hpp"

namespace grid::config {

struct DaemonInfo {
  std::string program;      // "grid": logger name and the "<program>: error:" prefix
  std::string description;  // one line for --help
  std::string version;      // printed by --version after the program name
};

// Parses argv, sets up logging, loads the configuration (its warnings are logged) and calls
// `run` with it. Returns the exit status: CLI11's for --help, --version and bad flags; 1 with
// "<program>: error: <what>" on stderr when loading or `run` throws; 0 otherwise.
int daemon_main(int argc, char** argv, const DaemonInfo& info,
                const std::function<void(Config)>& run);

}  // namespace grid::config
