// Backend `test` (SPEC §9.7): actions with a known outcome, for exercising jobs end to end.
//   succeed  delay, message (default "ok")                 → the message
//   fail     delay, message (default "intentional failure") → error = the message
//   sleep    duration (default "1s")                        → `slept <d>`
//   flaky    delay, rate (0–100, default 50)                → fails with probability rate %
//   output   lines (1–10000, default 1), width (1–1000, default 80) → lines of `x`
// Waits (delay, sleep) stop early on cancellation. Numbers are parsed strictly (a whole
// decimal integer); `output` keeps its defaults for unparsable numbers.
// Thread-safe: run() may be called from several threads at once.
#pragma once

#include <functional>

#include "grid/backends/backend.hpp"

namespace grid::backends {

class TestBackend final : public Backend {
 public:
  // Draws a uniformly distributed integer in [0, 100); `flaky` fails when it is below the
  // rate. Called from the thread running the action.
  using Roll = std::function<int()>;

  // A real random source (seeded from std::random_device), as in Go's math/rand.
  TestBackend();
  // An injected source, for tests.
  explicit TestBackend(Roll roll);

  std::string_view name() const override { return "test"; }
  const std::vector<ActionSpec>& actions() const override;
  ActionResult run(std::string_view action, const Params& params, RunContext& ctx) override;

 private:
  ActionResult flaky(const Params& params, RunContext& ctx);

  Roll roll_;
};

}  // namespace grid::backends
