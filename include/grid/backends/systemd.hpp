// Backend `systemd` (SPEC §9.4, BUG-39): units through systemctl, with the command runner.
// `unit` is required by every action and checked before the action name.
//   start | stop | restart | status  unit → systemctl <action> <unit>
//   enable | disable                 unit → systemctl <action> --now <unit>
// `unit` must match the journald unit rule (§9.12), see is_valid_unit_name().
// Stateless: run() may be called from any thread.
#pragma once

#include "grid/backends/backend.hpp"

namespace grid::backends {

class SystemdBackend final : public Backend {
 public:
  std::string_view name() const override { return "systemd"; }
  const std::vector<ActionSpec>& actions() const override;
  ActionResult run(std::string_view action, const Params& params, RunContext& ctx) override;
};

// True when `unit` matches ^[a-zA-Z0-9][a-zA-Z0-9._@-]*$ (§9.12).
bool is_valid_unit_name(std::string_view unit);

}  // namespace grid::backends
