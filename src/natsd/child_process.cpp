#include "child_process.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <mutex>

namespace grid::natsd {
namespace {

constexpr size_t kStderrTailLines = 10;

// PR_SET_PDEATHSIG has to be set in the child between fork and exec, and libuv offers no hook
// there. On Linux uv_spawn() forks with glibc's fork() (libuv 1.44 imports fork@GLIBC), which
// runs pthread_atfork child handlers in the new process before libuv execs. The handler arms
// the signal only when the forking thread is inside ChildProcess's uv_spawn call (thread_local
// flag, copied into the child with the thread), so every other fork in the process is left
// alone. Only async-signal-safe calls are made there. The kernel sends the signal when the
// *thread* that forked exits, so callers spawn from a thread that outlives the child
// (ManagedServer's loop thread). If the parent died before prctl, the child exits at once.
thread_local bool t_arm_pdeathsig = false;
thread_local pid_t t_spawner_pid = 0;

void arm_pdeathsig_in_child() {
  if (!t_arm_pdeathsig) return;
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != t_spawner_pid) ::_exit(127);
}

void install_atfork_handler() {
  static std::once_flag once;
  std::call_once(once, [] { ::pthread_atfork(nullptr, nullptr, arm_pdeathsig_in_child); });
}

// Sets the thread_local flag for the duration of one uv_spawn call.
class PdeathsigScope {
 public:
  PdeathsigScope() {
    install_atfork_handler();
    t_spawner_pid = ::getpid();
    t_arm_pdeathsig = true;
  }
  ~PdeathsigScope() { t_arm_pdeathsig = false; }
  PdeathsigScope(const PdeathsigScope&) = delete;
  PdeathsigScope& operator=(const PdeathsigScope&) = delete;
};

bool is_error_line(std::string_view line) {
  return line.find("[ERR]") != std::string_view::npos ||
         line.find("[FTL]") != std::string_view::npos;
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) {
    return "was killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(code);
}

ChildProcess::ChildProcess(uv_loop_t* loop, const std::vector<std::string>& argv,
                           FinishedCallback on_finished)
    : on_finished_(std::move(on_finished)) {
  for (Reader* reader : {&out_, &err_}) {
    reader->owner = this;
    reader->pipe = UvHandle<uv_pipe_t>("uv_pipe_init", reader,
                                       [&](uv_pipe_t* p) { return uv_pipe_init(loop, p, 0); });
  }
  err_.is_stderr = true;

  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[1].data.stream = out_.pipe.stream();
  stdio[2].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[2].data.stream = err_.pipe.stream();
  uv_process_options_t options{};
  options.file = args[0];
  options.args = args.data();
  options.exit_cb = on_exit;
  options.stdio = stdio;
  options.stdio_count = 3;
  options.flags = UV_PROCESS_DETACHED;  // setsid(): own session and process group

  PdeathsigScope pdeathsig;
  process_ = UvHandle<uv_process_t>("cannot launch nats-server", this,
                                    [&](uv_process_t* p) { return uv_spawn(loop, p, &options); });
  pid_ = process_.get()->pid;
  start_reading(out_);
  start_reading(err_);
}

void ChildProcess::kill(int signum) {
  if (!exited_) uv_process_kill(process_.get(), signum);
}

void ChildProcess::start_reading(Reader& reader) {
  int rc = uv_read_start(reader.pipe.stream(), on_alloc, on_read);
  if (rc < 0) {
    spdlog::warn("nats-server: cannot read output: {}", uv_strerror(rc));
    reader.done = true;
  }
}

void ChildProcess::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* reader = static_cast<Reader*>(handle->data);
  *buf = uv_buf_init(reader->buffer, sizeof(reader->buffer));
}

void ChildProcess::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* reader = static_cast<Reader*>(stream->data);
  ChildProcess* self = reader->owner;
  if (nread > 0) {
    reader->partial.append(buf->base, static_cast<size_t>(nread));
    size_t start = 0;
    for (size_t nl; (nl = reader->partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      self->handle_line(*reader, std::string_view(reader->partial).substr(start, nl - start));
    }
    reader->partial.erase(0, start);
    return;
  }
  if (nread < 0) {  // UV_EOF or a read error: the pipe is finished either way
    if (!reader->partial.empty()) self->handle_line(*reader, reader->partial);
    reader->partial.clear();
    uv_read_stop(stream);
    reader->done = true;
    self->maybe_finished();
  }
}

void ChildProcess::on_exit(uv_process_t* process, int64_t exit_status, int term_signal) {
  auto* self = static_cast<ChildProcess*>(process->data);
  self->exited_ = true;
  self->status_ = ExitStatus{exit_status, term_signal};
  self->maybe_finished();
}

void ChildProcess::handle_line(const Reader& reader, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const bool error = is_error_line(line);
  spdlog::log(error ? spdlog::level::err : spdlog::level::debug, "nats-server: {}", line);
  if (!reader.is_stderr) return;
  stderr_tail_.emplace_back(line);
  if (stderr_tail_.size() > kStderrTailLines) stderr_tail_.pop_front();
}

void ChildProcess::maybe_finished() {
  if (finish_reported_ || !exited_ || !out_.done || !err_.done) return;
  finish_reported_ = true;
  on_finished_(status_);  // may destroy *this: nothing may follow
}

}  // namespace grid::natsd
