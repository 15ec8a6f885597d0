// The gridc commands (SPEC §11.2–§11.5): one HTTP exchange each (a loop for --wait), output on
// stdout, errors as exceptions.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "grid/cli/command_line.hpp"

namespace grid::cli {

// Where a command writes. `err` receives only the live progress line, and only when
// `err_is_terminal`.
struct Console {
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;
};

// Runs one command and returns its exit status (0, or 1 for `job run --wait` ending failed or
// cancelled). Errors throw grid::Error with the contract's message (TransportError for
// "GET <path>: …", "API error (<code>): <body>", "cancel failed (<code>): <body>", job file
// and argument errors). A 2xx body of a GET command that is not the expected JSON is printed
// raw (exit 0).
int execute(const Invocation& invocation, Console& console);

// The whole program: parse, execute, and map every failure to "gridc: error: <message>" on
// `console.err` with exit status 1; help exits 0.
int run_gridc(const std::vector<std::string>& args, Console& console);

}  // namespace grid::cli
