#include "grid/natsd/binary.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include <cstdlib>
#include <regex>
#include <vector>

#include "grid/common/error.hpp"
#include "grid/loop/uv_handle.hpp"

namespace grid::natsd {

using loop::UvHandle;
namespace {

constexpr uint64_t kVersionTimeoutMs = 10'000;

bool is_executable_file(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// State of one `<binary> --version` run on a private loop.
struct VersionRun {
  std::string output;
  int64_t exit_status = 0;
  int term_signal = 0;
  char buffer[4096];
  UvHandle<uv_process_t> process;
  UvHandle<uv_pipe_t> pipe;
  UvHandle<uv_timer_t> timer;
};

void on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* run = static_cast<VersionRun*>(handle->data);
  *buf = uv_buf_init(run->buffer, sizeof(run->buffer));
}

void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* run = static_cast<VersionRun*>(stream->data);
  if (nread > 0) run->output.append(buf->base, static_cast<size_t>(nread));
  if (nread < 0) run->pipe.reset();
}

void on_exit(uv_process_t* process, int64_t exit_status, int term_signal) {
  auto* run = static_cast<VersionRun*>(process->data);
  run->exit_status = exit_status;
  run->term_signal = term_signal;
  run->timer.reset();
}

// Runs `<binary> --version` and returns what it printed on stdout.
std::string run_version(const std::filesystem::path& binary) {
  uv_loop_t loop;
  if (int rc = uv_loop_init(&loop); rc < 0)
    throw Error(std::string("uv_loop_init: ") + uv_strerror(rc));
  VersionRun run;
  std::string error;
  try {
    run.pipe = UvHandle<uv_pipe_t>("uv_pipe_init", &run,
                                   [&](uv_pipe_t* p) { return uv_pipe_init(&loop, p, 0); });
    std::string file = binary.string();
    std::string flag = "--version";
    char* args[] = {file.data(), flag.data(), nullptr};
    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
    stdio[1].data.stream = run.pipe.stream();
    stdio[2].flags = UV_IGNORE;
    uv_process_options_t options{};
    options.file = file.c_str();
    options.args = args;
    options.exit_cb = on_exit;
    options.stdio = stdio;
    options.stdio_count = 3;
    run.process = UvHandle<uv_process_t>(
        "uv_spawn", &run, [&](uv_process_t* p) { return uv_spawn(&loop, p, &options); });
    uv_read_start(run.pipe.stream(), on_alloc, on_read);
    run.timer = UvHandle<uv_timer_t>("uv_timer_init", &run,
                                     [&](uv_timer_t* t) { return uv_timer_init(&loop, t); });
    uv_timer_start(
        run.timer.get(),
        [](uv_timer_t* t) {
          uv_process_kill(static_cast<VersionRun*>(t->data)->process.get(), SIGKILL);
        },
        kVersionTimeoutMs, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
  } catch (const Error& e) {
    error = "cannot run " + binary.string() + " --version: " + e.what();
  }
  run.process.reset();
  run.pipe.reset();
  run.timer.reset();
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  if (!error.empty()) throw Error(error);
  if (run.term_signal != 0 || run.exit_status != 0) {
    throw Error(binary.string() + " --version failed: " + run.output);
  }
  return run.output;
}

}  // namespace

std::string Version::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::filesystem::path find_binary(const std::string& configured, std::string_view path_env,
                                  const std::filesystem::path& fallback) {
  if (!configured.empty()) {
    if (!is_executable_file(configured)) {
      throw Error("nats-server binary " + configured + " is not executable");
    }
    return configured;
  }
  size_t start = 0;
  while (start <= path_env.size()) {
    size_t end = path_env.find(':', start);
    if (end == std::string_view::npos) end = path_env.size();
    std::string_view dir = path_env.substr(start, end - start);
    if (!dir.empty()) {
      std::filesystem::path candidate = std::filesystem::path(dir) / "nats-server";
      if (is_executable_file(candidate)) return candidate;
    }
    start = end + 1;
  }
  if (is_executable_file(fallback)) return fallback;
  throw Error("nats-server not found: install the nats-server package or set nats.server.binary");
}

std::filesystem::path find_binary(const std::string& configured) {
  const char* path = std::getenv("PATH");
  return find_binary(configured, path == nullptr ? "" : path, "/usr/sbin/nats-server");
}

std::optional<Version> parse_version(std::string_view output) {
  static const std::regex pattern(R"(nats-server:?\s+v(\d+)\.(\d+)\.(\d+))");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(output.begin(), output.end(), m, pattern)) return std::nullopt;
  try {
    return Version{std::stoi(m[1].str()), std::stoi(m[2].str()), std::stoi(m[3].str())};
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

void require_supported(const Version& version, const std::filesystem::path& binary) {
  if (version < kMinimumVersion) {
    throw Error("nats-server " + binary.string() + " is version " + version.str() +
                "; GRID needs nats-server " + kMinimumVersion.str() + " or newer");
  }
}

Version check_version(const std::filesystem::path& binary) {
  const std::string output = run_version(binary);
  auto version = parse_version(output);
  if (!version) {
    throw Error("cannot parse the version of " + binary.string() + " from \"" + output + "\"");
  }
  require_supported(*version, binary);
  return *version;
}

}  // namespace grid::natsd
