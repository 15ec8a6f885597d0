// A real program started by a test (grid, gridw, ...): argv only, output captured to a file,
// signals, and waiting for exit with a deadline. Owned by one test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace grid::test {

class ChildProcess {
 public:
  // Starts argv[0] with arguments argv[1..]; stdout and stderr both go to `output_file`.
  // Throws grid::Error when the program cannot be started.
  ChildProcess(std::vector<std::string> argv, std::filesystem::path output_file);
  // SIGKILLs the process if it still runs, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signum) const;

  // Waits until the process exits; returns its exit status (128+signal when killed), or
  // nullopt when `deadline` passes first.
  std::optional<int> wait_exit(std::chrono::milliseconds deadline);

  // Everything the process has written so far.
  std::string output() const;

  // The first capture group of `pattern` in the output once it appears; throws grid::Error
  // with the output when `deadline` passes first.
  std::string wait_for_output(const std::regex& pattern, std::chrono::milliseconds deadline);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::filesystem::path output_file_;
};

// Directory of the built binaries (GRID_BINARY_DIR set by CTest), e.g. binary("grid").
std::filesystem::path binary(const std::string& name);

// True while a process with this pid exists (and is not a zombie).
bool process_alive(pid_t pid);

}  // namespace grid::test
