#include "grid/natsd/managed_server.hpp"

#include <spdlog/spdlog.h>
#include <uv.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "grid/common/error.hpp"
#include "grid/common/store_space.hpp"
#include "grid/loop/uv_handle.hpp"
#include "grid/natsd/binary.hpp"
#include "grid/natsd/server_config.hpp"
#include "readiness.hpp"
#include "watchdog.hpp"

namespace grid::natsd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kReadyTimeout = 10s;
constexpr auto kProbeTimeout = 1s;
constexpr auto kProbeInterval = 20ms;
constexpr uint64_t kStopGraceMs = 10'000;
constexpr uint64_t kFirstRestartDelayMs = 1'000;
constexpr uint64_t kMaxRestartDelayMs = 30'000;
constexpr uint64_t kHealthyUptimeMs = 60'000;
constexpr size_t kStderrLinesInError = 5;

enum class Phase { kIdle, kStarting, kRunning, kStopping, kStopped };

std::string describe_failure(const ExitStatus& status, const std::deque<std::string>& tail) {
  std::string text = "nats-server " + status.describe();
  const size_t skip = tail.size() > kStderrLinesInError ? tail.size() - kStderrLinesInError : 0;
  for (size_t i = skip; i < tail.size(); ++i) text += (i == skip ? ": " : " | ") + tail[i];
  return text;
}

}  // namespace

struct ManagedServer::Impl {
  explicit Impl(ServerOptions opts) : options(std::move(opts)) {}

  // A running child that the watchdog found stalled.
  struct Stalled {
    int pid = 0;
    std::string what;
  };

  // Written by start() before the loop thread exists; start() later pins options' ports (the
  // loop thread reads only options.store_dir).
  ServerOptions options;
  std::filesystem::path binary;
  std::vector<std::string> argv;
  std::thread thread;

  std::mutex lifecycle;  // serialises start() and stop()

  mutable std::mutex mu;  // guards the fields up to `restarts`
  std::condition_variable cv;
  Phase phase = Phase::kIdle;
  uv_async_t* wake_handle = nullptr;  // non-null while the loop accepts a stop request
  int stop_signal = SIGTERM;
  std::optional<std::string> start_failure;  // the child (or its spawn) failed during start()
  std::string client_url;
  std::string monitoring_url;
  std::optional<Stalled> stalled;  // the watchdog's verdict, until the loop acts on it
  std::atomic<int> pid{0};
  std::atomic<int> restarts{0};

  // Loop thread only.
  uv_loop_t loop{};
  UvHandle<uv_async_t> wake;
  UvHandle<uv_timer_t> restart_timer;
  UvHandle<uv_timer_t> kill_timer;
  std::unique_ptr<ChildProcess> child;
  bool child_finished = true;
  uint64_t child_started_at = 0;
  uint64_t restart_delay_ms = kFirstRestartDelayMs;

  // Created by start() once the server is ready, destroyed by stop_loop() once the loop thread
  // has ended; declared last so that its thread never outlives the state its callbacks read.
  std::optional<Watchdog> watchdog;

  // --- caller threads ---
  void start();
  void stop_loop(int signum);
  PortsFile wait_until_ready(Clock::time_point deadline);
  void mark_running(const PortsFile& ports);
  [[noreturn]] static void fail_start(const std::string& detail);
  std::string monitoring_url_for(int port) const;

  // --- watchdog thread ---
  int watched_child() const;
  void report_stalled(int child_pid, const std::string& what);

  // --- loop thread ---
  void run_loop();
  void open_handles();
  void close_handles();
  void spawn_child();
  void on_wake();
  void on_stop_request();
  void kill_stalled(const Stalled& verdict);
  void on_child_finished(const ExitStatus& status);
  void schedule_restart(const std::string& why);
  void on_restart_timer();
};

// ---------------------------------------------------------------------------------------------
// Caller threads

void ManagedServer::Impl::start() {
  {
    std::lock_guard lock(mu);
    if (phase != Phase::kIdle) throw Error("the managed nats-server can be started only once");
  }
  const auto began = Clock::now();
  binary = find_binary(options.binary);
  const Version version = check_version(binary);
  spdlog::info("using nats-server {} ({})", version.str(), binary.string());
  if (auto full = store_space_problem(options.store_dir)) {
    throw Error("cannot start nats-server: " + *full +
                "; free space there or set nats.jetstream.store to another directory");
  }
  write_config(options);
  argv = {binary.string(), "-c", natsd::config_path(options).string()};
  {
    std::lock_guard lock(mu);
    phase = Phase::kStarting;
  }
  thread = std::thread([this] { run_loop(); });
  try {
    const PortsFile ports = wait_until_ready(Clock::now() + kReadyTimeout);
    mark_running(ports);
    watchdog.emplace(
        options.watchdog, monitoring_url_for(ports.monitoring_port),
        [this] { return watched_child(); },
        [this](int child_pid, const std::string& what) { report_stalled(child_pid, what); });
  } catch (const Error&) {
    stop_loop(SIGKILL);
    throw;
  }
  spdlog::info("nats-server ready at {} (pid {}, monitoring {}, {} ms)", client_url, pid.load(),
               monitoring_url,
               std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count());
}

void ManagedServer::Impl::mark_running(const PortsFile& ports) {
  // Pin random ports so that a restarted server keeps the addresses clients know.
  if (options.port != ports.client_port || options.http.port != ports.monitoring_port) {
    options.port = ports.client_port;
    options.http.port = ports.monitoring_port;
    write_config(options);
  }
  std::lock_guard lock(mu);
  if (start_failure) fail_start(*start_failure);
  phase = Phase::kRunning;
  client_url = std::string(options.tls.enabled() ? "tls://" : "nats://") +
               join_host_port(connect_host(options.host), ports.client_port);
  monitoring_url = monitoring_url_for(ports.monitoring_port);
}

std::string ManagedServer::Impl::monitoring_url_for(int port) const {
  std::string host = "127.0.0.1";
  if (options.http.enabled) {
    host = connect_host(options.http.host.empty() ? options.host : options.http.host);
  }
  return "http://" + join_host_port(host, port);
}

PortsFile ManagedServer::Impl::wait_until_ready(Clock::time_point deadline) {
  int child_pid = 0;
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return wake_handle != nullptr || start_failure.has_value(); });
    if (start_failure) fail_start(*start_failure);
    child_pid = pid.load();
  }
  const auto ports_path = ports_file_path(options.store_dir, binary, child_pid);
  std::optional<PortsFile> ports;
  bool handshake = false;
  while (true) {
    if (!ports) ports = read_ports_file(ports_path);
    if (ports && !handshake) {
      handshake = nats_handshake(connect_host(options.host), ports->client_port, kProbeTimeout,
                                 options.auth, options.tls.enabled());
    }
    if (handshake && jetstream_healthy(monitoring_url_for(ports->monitoring_port), kProbeTimeout)) {
      return *ports;
    }
    std::unique_lock lock(mu);
    if (!start_failure && Clock::now() >= deadline) {
      start_failure = !ports       ? "ports file " + ports_path.string() + " not written in time"
                      : !handshake ? "no NATS handshake on the client port in time"
                                   : "/healthz?js-enabled-only=true did not answer 200 in time";
    }
    if (cv.wait_for(lock, kProbeInterval, [&] { return start_failure.has_value(); })) {
      fail_start(*start_failure);
    }
  }
}

void ManagedServer::Impl::fail_start(const std::string& detail) {
  throw Error("NATS server not ready: " + detail);
}

void ManagedServer::Impl::stop_loop(int signum) {
  {
    std::lock_guard lock(mu);
    if (phase == Phase::kIdle || phase == Phase::kStopped) return;
    phase = Phase::kStopping;
    stop_signal = signum;
    if (wake_handle != nullptr) uv_async_send(wake_handle);
  }
  if (thread.joinable()) thread.join();
  watchdog.reset();  // the child is gone: a probe in flight has failed at once
  std::lock_guard lock(mu);
  phase = Phase::kStopped;
  client_url.clear();
  monitoring_url.clear();
}

// ---------------------------------------------------------------------------------------------
// Watchdog thread

// No probes while the server starts, between a death and its restart, or while it stops.
int ManagedServer::Impl::watched_child() const {
  std::lock_guard lock(mu);
  return phase == Phase::kRunning ? pid.load() : 0;
}

void ManagedServer::Impl::report_stalled(int child_pid, const std::string& what) {
  std::lock_guard lock(mu);
  if (phase != Phase::kRunning || wake_handle == nullptr) return;
  stalled = Stalled{child_pid, what};
  uv_async_send(wake_handle);
}

// ---------------------------------------------------------------------------------------------
// Loop thread

void ManagedServer::Impl::run_loop() {
  if (int rc = uv_loop_init(&loop); rc < 0) {
    std::lock_guard lock(mu);
    start_failure = std::string("uv_loop_init: ") + uv_strerror(rc);
    cv.notify_all();
    return;
  }
  try {
    open_handles();
    spawn_child();
    std::lock_guard lock(mu);
    wake_handle = wake.get();
    cv.notify_all();
  } catch (const Error& e) {
    close_handles();
    std::lock_guard lock(mu);
    start_failure = e.what();
    cv.notify_all();
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  child.reset();
  close_handles();
  uv_run(&loop, UV_RUN_DEFAULT);  // deliver the close callbacks
  uv_loop_close(&loop);
}

void ManagedServer::Impl::open_handles() {
  wake = UvHandle<uv_async_t>("uv_async_init", this, [&](uv_async_t* a) {
    return uv_async_init(&loop, a, [](uv_async_t* h) { static_cast<Impl*>(h->data)->on_wake(); });
  });
  for (auto* timer : {&restart_timer, &kill_timer}) {
    *timer = UvHandle<uv_timer_t>("uv_timer_init", this,
                                  [&](uv_timer_t* t) { return uv_timer_init(&loop, t); });
  }
}

// Closing the last handles lets uv_run() return once the child's pipes are drained.
void ManagedServer::Impl::close_handles() {
  {
    std::lock_guard lock(mu);
    wake_handle = nullptr;
  }
  wake.reset();
  restart_timer.reset();
  kill_timer.reset();
}

void ManagedServer::Impl::spawn_child() {
  child_started_at = uv_now(&loop);
  child = std::make_unique<ChildProcess>(
      &loop, argv, [this](const ExitStatus& status) { on_child_finished(status); });
  child_finished = false;
  pid = child->pid();
}

// A stop request or a watchdog verdict (uv_async coalesces them; a stop wins).
void ManagedServer::Impl::on_wake() {
  std::optional<Stalled> verdict;
  bool stopping = false;
  {
    std::lock_guard lock(mu);
    stopping = phase == Phase::kStopping;
    verdict.swap(stalled);
  }
  if (stopping) {
    on_stop_request();
  } else if (verdict) {
    kill_stalled(*verdict);
  }
}

void ManagedServer::Impl::on_stop_request() {
  int signum = SIGTERM;
  {
    std::lock_guard lock(mu);
    signum = stop_signal;
  }
  uv_timer_stop(restart_timer.get());
  if (child_finished) {
    close_handles();
    return;
  }
  if (child->exited()) return;  // on_child_finished follows once the pipes are drained
  child->kill(signum);
  uv_timer_start(
      kill_timer.get(),
      [](uv_timer_t* t) {
        auto* self = static_cast<Impl*>(t->data);
        spdlog::warn("nats-server (pid {}) did not stop within {} s; killing it",
                     self->child->pid(), kStopGraceMs / 1000);
        self->child->kill(SIGKILL);
      },
      kStopGraceMs, 0);
}

// Kills the child the watchdog found stalled, unless it has died or been replaced since;
// on_child_finished() then restarts it as after any death.
void ManagedServer::Impl::kill_stalled(const Stalled& verdict) {
  if (child_finished || child->exited() || child->pid() != verdict.pid) return;
  spdlog::error(
      "nats-server (pid {}) {}; killing it (SIGKILL) to restart it — check that the store {} "
      "has free space",
      verdict.pid, verdict.what, options.store_dir);
  child->kill(SIGKILL);
}

void ManagedServer::Impl::on_child_finished(const ExitStatus& status) {
  child_finished = true;
  pid = 0;
  std::error_code ignored;
  std::filesystem::remove(ports_file_path(options.store_dir, binary, child->pid()), ignored);
  std::unique_lock lock(mu);
  switch (phase) {
    case Phase::kStarting:
      start_failure = describe_failure(status, child->last_stderr_lines());
      cv.notify_all();
      return;
    case Phase::kRunning:
      lock.unlock();
      if (uv_now(&loop) - child_started_at >= kHealthyUptimeMs) {
        restart_delay_ms = kFirstRestartDelayMs;
      }
      schedule_restart("nats-server (pid " + std::to_string(child->pid()) + ") " +
                       status.describe());
      return;
    case Phase::kStopping:
    case Phase::kIdle:
    case Phase::kStopped:
      lock.unlock();
      spdlog::info("nats-server (pid {}) stopped: {}", child->pid(), status.describe());
      close_handles();
      return;
  }
}

void ManagedServer::Impl::schedule_restart(const std::string& why) {
  spdlog::error("{}; restarting it in {} ms", why, restart_delay_ms);
  uv_timer_start(
      restart_timer.get(), [](uv_timer_t* t) { static_cast<Impl*>(t->data)->on_restart_timer(); },
      restart_delay_ms, 0);
  restart_delay_ms = std::min(restart_delay_ms * 2, kMaxRestartDelayMs);
}

void ManagedServer::Impl::on_restart_timer() {
  {
    std::lock_guard lock(mu);
    if (phase != Phase::kRunning) return;
  }
  // nats-server 2.9.10 started on a full store runs with a JetStream limit of the few bytes
  // then free and keeps refusing writes ("insufficient resources") after space is freed.
  if (auto full = store_space_problem(options.store_dir)) {
    schedule_restart("nats-server not restarted yet: " + *full);
    return;
  }
  try {
    spawn_child();
    ++restarts;
    spdlog::warn("nats-server restarted (pid {})", pid.load());
  } catch (const Error& e) {
    schedule_restart(e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Public interface

ManagedServer::ManagedServer(ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

ManagedServer::~ManagedServer() {
  stop();
}

void ManagedServer::start() {
  std::lock_guard lifecycle(impl_->lifecycle);
  impl_->start();
}

void ManagedServer::stop() {
  std::lock_guard lifecycle(impl_->lifecycle);
  impl_->stop_loop(SIGTERM);
}

std::string ManagedServer::client_url() const {
  std::lock_guard lock(impl_->mu);
  return impl_->client_url;
}

std::string ManagedServer::monitoring_url() const {
  std::lock_guard lock(impl_->mu);
  return impl_->monitoring_url;
}

int ManagedServer::pid() const {
  return impl_->pid.load();
}

int ManagedServer::restart_count() const {
  return impl_->restarts.load();
}

std::filesystem::path ManagedServer::config_path() const {
  return natsd::config_path(impl_->options);
}

}  // namespace grid::natsd
