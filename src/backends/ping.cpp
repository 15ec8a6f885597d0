#include "grid/backends/ping.hpp"

#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <climits>

#include "go_text.hpp"
#include "params.hpp"

namespace grid::backends {
namespace {

ActionResult hostname() {
  char buffer[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buffer, sizeof(buffer)) != 0) {
    return failure(std::string("ping hostname: ") + uv_strerror(-errno));
  }
  return ActionResult{buffer, std::nullopt};
}

ActionResult sleep(const Params& params, RunContext& ctx) {
  const std::string text = param_or(params, "duration", "1s");
  const DurationParam d = parse_duration_param("duration", text);
  if (!d.value) return failure("ping sleep: " + d.error);
  if (!ctx.sleep_for(*d.value)) return failure(go_context_error(ctx));
  return ActionResult{"slept " + format_duration(*d.value), std::nullopt};
}

}  // namespace

const std::vector<ActionSpec>& PingBackend::actions() const {
  static const std::vector<ActionSpec> kActions{
      {"echo", {{"message", false, "text to return (default \"pong\")"}}},
      {"hostname", {}},
      {"sleep", {{"duration", false, "how long to wait, Go duration (default \"1s\")"}}},
  };
  return kActions;
}

ActionResult PingBackend::run(std::string_view action, const Params& params, RunContext& ctx) {
  if (action == "echo") return ActionResult{param_or(params, "message", "pong"), std::nullopt};
  if (action == "hostname") return hostname();
  if (action == "sleep") return sleep(params, ctx);
  return failure(unknown_action(name(), action));
}

}  // namespace grid::backends
