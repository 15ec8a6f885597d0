// Backend `apt` (SPEC §9.3, BUG-39): Debian packages through apt-get, run non-interactively
// (DEBIAN_FRONTEND=noninteractive) with the command runner.
//   install  package  → apt-get install -y <package>
//   remove   package  → apt-get remove -y <package>
//   update            → apt-get update
//   upgrade           → apt-get upgrade -y
// `package` must match ^[a-zA-Z0-9][a-zA-Z0-9.+_:=~-]*$ (a name, optionally name=version).
// Stateless: run() may be called from any thread.
#pragma once

#include "grid/backends/backend.hpp"

namespace grid::backends {

class AptBackend final : public Backend {
 public:
  std::string_view name() const override { return "apt"; }
  const std::vector<ActionSpec>& actions() const override;
  ActionResult run(std::string_view action, const Params& params, RunContext& ctx) override;
};

// True when `name` matches the package grammar above.
bool is_valid_package_name(std::string_view name);

}  // namespace grid::backends
