// Backend `rke2` (SPEC §9.5, BUG-39): the RKE2 Kubernetes distribution.
//   download                     → HTTP GET of the installer (default https://get.rke2.io),
//                                  saved to the installer path (default /tmp/rke2.sh); fails
//                                  on a non-2xx status
//   install    flags (optional)  → sh <installer path> <flags split on whitespace>
//   uninstall                    → rke2-uninstall.sh
//   start      mode              → systemctl enable --now --no-block rke2-<mode>
//   stop       mode              → systemctl disable --now --no-block rke2-<mode>
//   restart    mode              → systemctl restart rke2-<mode>
//   kill                         → rke2-killall.sh
// `mode` must be `server` or `agent`. Programs run through the command runner.
// Stateless apart from its fixed options: run() may be called from any thread.
#pragma once

#include <string>

#include "grid/backends/backend.hpp"

namespace grid::backends {

struct Rke2Options {
  // http:// or https:// URL of the installer script.
  std::string installer_url = "https://get.rke2.io";
  // Where download saves it (replaced atomically) and install runs it from.
  std::string installer_path = "/tmp/rke2.sh";
};

class Rke2Backend final : public Backend {
 public:
  Rke2Backend() = default;
  explicit Rke2Backend(Rke2Options options) : options_(std::move(options)) {}

  std::string_view name() const override { return "rke2"; }
  const std::vector<ActionSpec>& actions() const override;
  ActionResult run(std::string_view action, const Params& params, RunContext& ctx) override;

 private:
  ActionResult download(const RunContext& ctx) const;
  ActionResult install(const Params& params, const RunContext& ctx) const;

  Rke2Options options_;
};

}  // namespace grid::backends
