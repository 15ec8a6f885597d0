// Backend `ping` (SPEC §9.6): liveness checks with no side effects.
//   echo      message (default "pong")  → the message
//   hostname                            → the OS host name
//   sleep     duration (default "1s")   → `slept <d>`; stops early on cancellation
// Stateless: run() may be called from any thread.
#pragma once

#include "grid/backends/backend.hpp"

namespace grid::backends {

class PingBackend final : public Backend {
 public:
  std::string_view name() const override { return "ping"; }
  const std::vector<ActionSpec>& actions() const override;
  ActionResult run(std::string_view action, const Params& params, RunContext& ctx) override;
};

}  // namespace grid::backends
