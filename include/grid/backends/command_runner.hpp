// The one way shell-out backends run a program (SPEC §9.1): an argument vector, never a shell.
//
// The program runs in its own session and process group with stdin on /dev/null and stdout
// and stderr on one pipe, so its output arrives interleaved as Go's CombinedOutput gives it
// (capped while reading, output_limit.hpp). When the RunContext is cancelled or reaches its
// deadline the whole process group gets SIGTERM, and SIGKILL kTerminationGrace later (or as
// soon as the program itself has exited, for anything it left behind). After the program
// exits, output still written by leftover processes is read for at most kDrainAfterExit.
//
// Error texts are Go's: `exit status <n>`, `signal: <name>` (e.g. `signal: killed`,
// `signal: terminated`), `exec: "<prog>": executable file not found in $PATH`, or
// `fork/exec <path>: <reason>` when the program cannot be started.
//
// Thread-safe: each call runs its own private libuv loop on the calling thread, which blocks
// until the program and its output are finished.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grid/backends/backend.hpp"

namespace grid::backends {

inline constexpr std::chrono::seconds kTerminationGrace{2};
inline constexpr std::chrono::seconds kDrainAfterExit{2};

struct Command {
  // argv[0] is the program: a name looked up on $PATH at run time (like Go's exec.LookPath)
  // or a path containing '/', used as it is. Must not be empty.
  std::vector<std::string> argv;
  // Extra environment entries `NAME=value`, added to (or replacing in) the inherited ones.
  std::vector<std::string> env;
};

// Runs `command` to completion and returns its combined output, with an error when it could
// not start, exited non-zero or was killed by a signal. A run already cancelled or past its
// deadline starts nothing and fails with `context canceled` / `context deadline exceeded`.
ActionResult run_command(const Command& command, const RunContext& ctx);

// The first executable regular file named `name` in the directories of `path_env` (a $PATH
// value; an empty entry means the current directory), or nullopt.
std::optional<std::string> look_path(std::string_view name, std::string_view path_env);

}  // namespace grid::backends
