#include "grid/backends/command_runner.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdlib>

#include "go_text.hpp"
#include "grid/backends/output_limit.hpp"
#include "grid/common/error.hpp"
#include "grid/loop/uv_handle.hpp"

extern char** environ;

namespace grid::backends {

using loop::UvHandle;
namespace {

// How often a running program checks its RunContext for cancellation and the deadline.
constexpr std::uint64_t kPollMs = 20;

std::uint64_t millis(std::chrono::milliseconds d) {
  return static_cast<std::uint64_t>(d.count());
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Go's names of Linux signals (syscall.Signal.String()).
std::string go_signal_name(int signal) {
  static constexpr std::array<const char*, 32> kNames{
      nullptr,
      "hangup",
      "interrupt",
      "quit",
      "illegal instruction",
      "trace/breakpoint trap",
      "aborted",
      "bus error",
      "floating point exception",
      "killed",
      "user defined signal 1",
      "segmentation fault",
      "user defined signal 2",
      "broken pipe",
      "alarm clock",
      "terminated",
      "stack fault",
      "child exited",
      "continued",
      "stopped (signal)",
      "stopped",
      "stopped (tty input)",
      "stopped (tty output)",
      "urgent I/O condition",
      "CPU time limit exceeded",
      "file size limit exceeded",
      "virtual timer expired",
      "profiling timer expired",
      "window changed",
      "I/O possible",
      "power failure",
      "bad system call",
  };
  if (signal > 0 && static_cast<std::size_t>(signal) < kNames.size()) return kNames[signal];
  return "signal " + std::to_string(signal);
}

// The inherited environment with `extra` entries added, replacing same-named ones.
std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view current(*entry);
    const std::string_view name = current.substr(0, current.find('='));
    const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& e) {
      return std::string_view(e).substr(0, e.find('=')) == name;
    });
    if (!replaced) result.emplace_back(current);
  }
  result.insert(result.end(), extra.begin(), extra.end());
  return result;
}

std::vector<char*> null_terminated(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// One program run on a private loop. All members are touched on the calling thread only.
class ProgramRun {
 public:
  explicit ProgramRun(const RunContext& ctx) : ctx_(ctx) {
    if (int rc = uv_loop_init(&loop_); rc < 0) {
      throw Error(std::string("uv_loop_init: ") + uv_strerror(rc));
    }
  }
  ~ProgramRun() {
    process_.reset();
    pipe_.reset();
    poll_.reset();
    grace_.reset();
    drain_.reset();
    uv_run(&loop_, UV_RUN_DEFAULT);  // lets the close callbacks free the handles
    uv_loop_close(&loop_);
  }
  ProgramRun(const ProgramRun&) = delete;
  ProgramRun& operator=(const ProgramRun&) = delete;

  // Spawns `file` with `argv` and `env` and runs the loop until the program has exited and its
  // output is read.
  void run(const std::string& file, std::vector<std::string> argv, std::vector<std::string> env);

  ActionResult result() {
    ActionResult r{output_.take(), std::nullopt};
    if (term_signal_ != 0) {
      r.error = "signal: " + go_signal_name(term_signal_);
    } else if (exit_status_ != 0) {
      r.error = "exit status " + std::to_string(exit_status_);
    }
    return r;
  }

 private:
  void spawn(const std::string& file, std::vector<std::string>& argv,
             std::vector<std::string>& env);
  UvHandle<uv_timer_t> make_timer();
  void terminate();
  void on_exited(std::int64_t exit_status, int term_signal);
  void on_output_done();
  void finish_if_done();

  const RunContext& ctx_;
  uv_loop_t loop_{};
  UvHandle<uv_process_t> process_;
  UvHandle<uv_pipe_t> pipe_;
  UvHandle<uv_timer_t> poll_;
  UvHandle<uv_timer_t> grace_;
  UvHandle<uv_timer_t> drain_;
  CappedOutput output_;
  std::array<char, 65536> buffer_{};
  pid_t pid_ = 0;
  bool exited_ = false;
  bool output_done_ = false;
  bool terminating_ = false;
  std::int64_t exit_status_ = 0;
  int term_signal_ = 0;
};

void ProgramRun::run(const std::string& file, std::vector<std::string> argv,
                     std::vector<std::string> env) {
  spawn(file, argv, env);
  poll_ = make_timer();
  uv_timer_start(
      poll_.get(),
      [](uv_timer_t* t) {
        auto* self = static_cast<ProgramRun*>(t->data);
        if (!self->terminating_ && self->ctx_.cancelled()) self->terminate();
      },
      0, kPollMs);
  uv_run(&loop_, UV_RUN_DEFAULT);
}

void ProgramRun::spawn(const std::string& file, std::vector<std::string>& argv,
                       std::vector<std::string>& env) {
  uv_file fds[2];
  if (int rc = uv_pipe(fds, UV_NONBLOCK_PIPE, 0); rc < 0) {
    throw Error(std::string("uv_pipe: ") + uv_strerror(rc));
  }
  try {
    pipe_ = UvHandle<uv_pipe_t>("uv_pipe_init", this,
                                [&](uv_pipe_t* p) { return uv_pipe_init(&loop_, p, 0); });
  } catch (...) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw;
  }
  if (int rc = uv_pipe_open(pipe_.get(), fds[0]); rc < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(std::string("uv_pipe_open: ") + uv_strerror(rc));
  }
  std::vector<char*> args = null_terminated(argv);
  std::vector<char*> envp = null_terminated(env);
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  for (int fd : {1, 2}) {  // both on the write end: interleaved combined output
    stdio[fd].flags = UV_INHERIT_FD;
    stdio[fd].data.fd = fds[1];
  }
  uv_process_options_t options{};
  options.file = file.c_str();
  options.args = args.data();
  options.env = envp.data();
  options.exit_cb = [](uv_process_t* p, std::int64_t exit_status, int term_signal) {
    static_cast<ProgramRun*>(p->data)->on_exited(exit_status, term_signal);
  };
  options.stdio = stdio;
  options.stdio_count = 3;
  options.flags = UV_PROCESS_DETACHED;  // setsid(): its own session and process group
  const std::string what = "fork/exec " + file;
  try {
    process_ = UvHandle<uv_process_t>(
        what.c_str(), this, [&](uv_process_t* p) { return uv_spawn(&loop_, p, &options); });
  } catch (...) {
    ::close(fds[1]);
    throw;
  }
  ::close(fds[1]);  // the child holds its copies; EOF comes when every writer is gone
  pid_ = process_.get()->pid;
  int rc = uv_read_start(
      pipe_.stream(),
      [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        auto* self = static_cast<ProgramRun*>(h->data);
        *buf = uv_buf_init(self->buffer_.data(), self->buffer_.size());
      },
      [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
        auto* self = static_cast<ProgramRun*>(s->data);
        if (nread > 0) self->output_.append({buf->base, static_cast<std::size_t>(nread)});
        if (nread < 0) self->on_output_done();
      });
  if (rc < 0) on_output_done();
}

UvHandle<uv_timer_t> ProgramRun::make_timer() {
  return UvHandle<uv_timer_t>("uv_timer_init", this,
                              [&](uv_timer_t* t) { return uv_timer_init(&loop_, t); });
}

// SIGTERM to the process group now, SIGKILL after the grace period.
void ProgramRun::terminate() {
  terminating_ = true;
  ::kill(-pid_, SIGTERM);
  grace_ = make_timer();
  uv_timer_start(
      grace_.get(),
      [](uv_timer_t* t) { ::kill(-static_cast<ProgramRun*>(t->data)->pid_, SIGKILL); },
      millis(kTerminationGrace), 0);
}

void ProgramRun::on_exited(std::int64_t exit_status, int term_signal) {
  exited_ = true;
  exit_status_ = exit_status;
  term_signal_ = term_signal;
  if (terminating_) ::kill(-pid_, SIGKILL);  // whatever the program left in its group
  if (!output_done_) {
    drain_ = make_timer();
    uv_timer_start(
        drain_.get(), [](uv_timer_t* t) { static_cast<ProgramRun*>(t->data)->on_output_done(); },
        millis(kDrainAfterExit), 0);
  }
  finish_if_done();
}

void ProgramRun::on_output_done() {
  output_done_ = true;
  pipe_.reset();
  finish_if_done();
}

// Closing the remaining handles lets uv_run() return.
void ProgramRun::finish_if_done() {
  if (!exited_ || !output_done_) return;
  poll_.reset();
  grace_.reset();
  drain_.reset();
}

}  // namespace

std::optional<std::string> look_path(std::string_view name, std::string_view path_env) {
  std::size_t start = 0;
  while (!path_env.empty() && start <= path_env.size()) {
    std::size_t end = path_env.find(':', start);
    if (end == std::string_view::npos) end = path_env.size();
    std::string dir(path_env.substr(start, end - start));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + std::string(name);
    if (is_executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

ActionResult run_command(const Command& command, const RunContext& ctx) {
  if (ctx.cancelled()) return ActionResult{{}, go_context_error(ctx)};
  const std::string& program = command.argv.at(0);
  std::string file = program;
  if (program.find('/') == std::string::npos) {
    const char* path = std::getenv("PATH");
    auto found = look_path(program, path == nullptr ? "" : path);
    if (!found) {
      return ActionResult{{},
                          "exec: " + go_quote(program) + ": executable file not found in $PATH"};
    }
    file = std::move(*found);
  }
  try {
    ProgramRun run(ctx);
    run.run(file, command.argv, environment_with(command.env));
    return run.result();
  } catch (const Error& e) {
    return ActionResult{{}, e.what()};
  }
}

}  // namespace grid::backends
