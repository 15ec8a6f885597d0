#include "grid/backends/rke2.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <sstream>

#include "go_text.hpp"
#include "grid/backends/command_runner.hpp"
#include "params.hpp"

namespace grid::backends {
namespace {

// The installer is a shell script of a few dozen KiB; anything this large is not one.
constexpr std::size_t kMaxInstallerBytes = 16 * 1024 * 1024;
constexpr auto kDefaultHttpTimeout = std::chrono::seconds(60);

std::string errno_text(int err) {
  return uv_strerror(-err);
}

// `rke2-<mode>` for the mode parameter, or the error text.
struct ModeUnit {
  std::string unit;
  std::string error;
};
ModeUnit mode_unit(std::string_view action, const Params& params) {
  const auto mode = param(params, "mode");
  if (!mode) {
    return {{}, "rke2 " + std::string(action) + ": missing required param 'mode' (server|agent)"};
  }
  if (*mode != "server" && *mode != "agent") {
    return {{}, invalid_param("rke2", action, "mode", *mode)};
  }
  return {"rke2-" + *mode, {}};
}

// The systemctl arguments before `rke2-<mode>` for the service actions, else nullopt.
std::optional<std::vector<std::string>> service_args(std::string_view action) {
  if (action == "start") return std::vector<std::string>{"enable", "--now", "--no-block"};
  if (action == "stop") return std::vector<std::string>{"disable", "--now", "--no-block"};
  if (action == "restart") return std::vector<std::string>{"restart"};
  return std::nullopt;
}

ActionResult systemctl_mode(std::string_view action, const Params& params,
                            std::vector<std::string> args, const RunContext& ctx) {
  ModeUnit unit = mode_unit(action, params);
  if (!unit.error.empty()) return failure(std::move(unit.error));
  args.insert(args.begin(), "systemctl");
  args.push_back(std::move(unit.unit));
  return run_command(Command{std::move(args), {}}, ctx);
}

// Splits "scheme://host[:port]/path" into the part httplib's Client takes and the path.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const std::size_t host_start = url.find("://");
  const std::size_t path_start =
      url.find('/', host_start == std::string::npos ? 0 : host_start + 3);
  if (path_start == std::string::npos) return {url, "/"};
  return {url.substr(0, path_start), url.substr(path_start)};
}

// How long one network wait may take: until the deadline, at most the default.
std::chrono::milliseconds http_timeout(const RunContext& ctx) {
  std::chrono::milliseconds timeout = kDefaultHttpTimeout;
  if (const auto& deadline = ctx.deadline()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - RunContext::Clock::now());
    timeout = std::clamp(left, std::chrono::milliseconds(1), timeout);
  }
  return timeout;
}

// Fetches `url`; the body, or an error text (without the `rke2 download: ` prefix).
struct Fetched {
  std::string body;
  std::string error;
};
Fetched fetch(const std::string& url, const RunContext& ctx) {
  const auto [base, path] = split_url(url);
  httplib::Client client(base);
  client.set_follow_location(true);
  client.set_connection_timeout(http_timeout(ctx));
  client.set_read_timeout(http_timeout(ctx));
  Fetched fetched;
  int bad_status = 0;
  std::string bad_reason;
  const auto result = client.Get(
      path,
      [&](const httplib::Response& response) {
        if (response.status >= 200 && response.status < 300) return true;
        bad_status = response.status;
        bad_reason = response.reason;
        return false;
      },
      [&](const char* data, std::size_t length) {
        fetched.body.append(data, length);
        return fetched.body.size() <= kMaxInstallerBytes && !ctx.cancelled();
      });
  if (bad_status != 0) {
    fetched.error = "unexpected HTTP status " + std::to_string(bad_status);
    if (!bad_reason.empty()) fetched.error += " " + bad_reason;
  } else if (ctx.cancelled()) {
    fetched.error = go_context_error(ctx);
  } else if (fetched.body.size() > kMaxInstallerBytes) {
    fetched.error = "installer larger than " + std::to_string(kMaxInstallerBytes) + " bytes";
  } else if (!result) {
    fetched.error = "GET " + url + ": " + httplib::to_string(result.error());
  }
  return fetched;
}

// Writes `content` to `path` through a temporary file in the same directory and a rename, so
// a symbolic link planted at `path` is replaced rather than followed. Error text or empty.
std::string write_atomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return "open " + path + ": " + errno_text(errno);
  std::string error;
  std::size_t written = 0;
  while (error.empty() && written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno != EINTR) error = "write " + temp + ": " + errno_text(errno);
    if (n > 0) written += static_cast<std::size_t>(n);
  }
  if (error.empty() && ::fchmod(fd, 0644) != 0) error = "chmod " + temp + ": " + errno_text(errno);
  if (::close(fd) != 0 && error.empty()) error = "close " + temp + ": " + errno_text(errno);
  if (error.empty() && ::rename(temp.c_str(), path.c_str()) != 0) {
    error = "rename " + temp + " " + path + ": " + errno_text(errno);
  }
  if (!error.empty()) ::unlink(temp.c_str());
  return error;
}

std::vector<std::string> split_on_whitespace(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace

const std::vector<ActionSpec>& Rke2Backend::actions() const {
  static const ParamSpec kMode{"mode", true, "server or agent"};
  static const std::vector<ActionSpec> kActions{
      {"download", {}},
      {"install", {{"flags", false, "installer arguments, separated by whitespace"}}},
      {"uninstall", {}},
      {"start", {kMode}},
      {"stop", {kMode}},
      {"restart", {kMode}},
      {"kill", {}},
  };
  return kActions;
}

ActionResult Rke2Backend::run(std::string_view action, const Params& params, RunContext& ctx) {
  if (action == "download") return download(ctx);
  if (action == "install") return install(params, ctx);
  if (action == "uninstall") return run_command(Command{{"rke2-uninstall.sh"}, {}}, ctx);
  if (auto args = service_args(action)) {
    return systemctl_mode(action, params, std::move(*args), ctx);
  }
  if (action == "kill") return run_command(Command{{"rke2-killall.sh"}, {}}, ctx);
  return failure(unknown_action(name(), action));
}

ActionResult Rke2Backend::download(const RunContext& ctx) const {
  const Fetched fetched = fetch(options_.installer_url, ctx);
  if (!fetched.error.empty()) return failure("rke2 download: " + fetched.error);
  const std::string error = write_atomically(options_.installer_path, fetched.body);
  if (!error.empty()) return failure("rke2 download: " + error);
  return ActionResult{"downloaded installer to " + options_.installer_path, std::nullopt};
}

ActionResult Rke2Backend::install(const Params& params, const RunContext& ctx) const {
  std::vector<std::string> argv{"sh", options_.installer_path};
  for (auto& flag : split_on_whitespace(param_or(params, "flags", ""))) argv.push_back(flag);
  return run_command(Command{std::move(argv), {}}, ctx);
}

}  // namespace grid::backends
