// One nats-server process launched by ManagedServer (private to natsd). Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "grid/loop/uv_handle.hpp"

namespace grid::natsd {

using loop::UvHandle;

struct ExitStatus {
  int64_t code = 0;
  int signal = 0;
  std::string describe() const;  // "exited with status 1" / "was killed by signal 9 (Killed)"
};

class ChildProcess {
 public:
  // Called once the process has exited and both output pipes reached end of file, so the
  // last output lines are complete.
  using FinishedCallback = std::function<void(const ExitStatus&)>;

  // Spawns argv (argv[0] is the executable; no shell) in a new session with
  // PR_SET_PDEATHSIG = SIGTERM tied to the calling thread, stdin on /dev/null and
  // stdout/stderr forwarded line by line to the log as "nats-server: <line>" ([ERR]/[FTL] at
  // error level, the rest at debug). Throws grid::Error when the spawn fails.
  ChildProcess(uv_loop_t* loop, const std::vector<std::string>& argv, FinishedCallback on_finished);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  bool exited() const { return exited_; }
  void kill(int signum);  // ignored once the process has exited
  const std::deque<std::string>& last_stderr_lines() const { return stderr_tail_; }

 private:
  // Splits one output pipe into lines.
  struct Reader {
    ChildProcess* owner = nullptr;
    bool is_stderr = false;
    bool done = false;
    std::string partial;
    char buffer[16384];
    UvHandle<uv_pipe_t> pipe;
  };

  static void on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_exit(uv_process_t* process, int64_t exit_status, int term_signal);
  void start_reading(Reader& reader);
  void handle_line(const Reader& reader, std::string_view line);
  void maybe_finished();

  FinishedCallback on_finished_;
  Reader out_;
  Reader err_;
  std::deque<std::string> stderr_tail_;
  bool exited_ = false;
  bool finish_reported_ = false;
  ExitStatus status_;
  int pid_ = 0;
  UvHandle<uv_process_t> process_;  // declared last: closed first
};

}  // namespace grid::natsd
