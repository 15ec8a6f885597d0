#include "grid/backends/systemd.hpp"

#include <algorithm>
#include <cctype>

#include "grid/backends/command_runner.hpp"
#include "params.hpp"

namespace grid::backends {
namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// The systemctl arguments before the unit, or nullopt for an unknown action.
std::optional<std::vector<std::string>> systemctl_args(std::string_view action) {
  if (action == "start" || action == "stop" || action == "restart" || action == "status") {
    return std::vector<std::string>{"systemctl", std::string(action)};
  }
  if (action == "enable" || action == "disable") {
    return std::vector<std::string>{"systemctl", std::string(action), "--now"};
  }
  return std::nullopt;
}

}  // namespace

bool is_valid_unit_name(std::string_view unit) {
  const auto allowed = [](char c) {
    return is_alnum(c) || std::string_view("._@-").find(c) != std::string_view::npos;
  };
  return !unit.empty() && is_alnum(unit[0]) && std::all_of(unit.begin(), unit.end(), allowed);
}

const std::vector<ActionSpec>& SystemdBackend::actions() const {
  static const std::vector<ActionSpec> kActions = [] {
    std::vector<ActionSpec> actions;
    for (const char* action : {"start", "stop", "restart", "enable", "disable", "status"}) {
      actions.push_back({action, {{"unit", true, "systemd unit name, e.g. nginx.service"}}});
    }
    return actions;
  }();
  return kActions;
}

ActionResult SystemdBackend::run(std::string_view action, const Params& params, RunContext& ctx) {
  const auto unit = param(params, "unit");
  if (!unit) {
    return failure("systemd " + std::string(action) + ": missing required param 'unit'");
  }
  if (!is_valid_unit_name(*unit)) return failure(invalid_param(name(), action, "unit", *unit));
  auto args = systemctl_args(action);
  if (!args) return failure(unknown_action(name(), action));
  args->push_back(*unit);
  return run_command(Command{std::move(*args), {}}, ctx);
}

}  // namespace grid::backends
