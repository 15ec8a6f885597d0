// The backend contract (SPEC §9.1): a named set of actions a worker can run. Backends are
// registered explicitly in one list (registry.hpp); the worker looks them up by name.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grid/common/duration.hpp"

namespace grid::backends {

// Command parameters: every value is a string (§3.5).
using Params = std::map<std::string, std::string>;

struct ParamSpec {
  std::string name;
  bool required = false;
  std::string description;  // one line, e.g. "Debian package name, optionally name=version"
};

struct ActionSpec {
  std::string name;
  std::vector<ParamSpec> params;
};

// What an action produced. `error` set means the result is `failed` (§8.2 step 5); `output`
// is kept either way (often the program's combined output). The worker truncates output.
struct ActionResult {
  std::string output;
  std::optional<std::string> error;
};

// Where a command came from; lets pure backends be deterministic per job/step/node.
struct CommandOrigin {
  std::string job_id;
  std::uint64_t task_index = 0;
  std::string node_id;
};

// The deadline and cancellation of one run. The worker creates it and may call cancel() from
// another thread; the backend (running on the worker's executor thread) polls cancelled(),
// or waits with sleep_for(), and stops early. Shell-out backends pass it to the command runner,
// which kills the process group at the deadline or on cancellation.
class RunContext {
 public:
  using Clock = std::chrono::steady_clock;

  RunContext(CommandOrigin origin, std::optional<Clock::time_point> deadline)
      : origin_(std::move(origin)), deadline_(deadline) {}
  RunContext(const RunContext&) = delete;
  RunContext& operator=(const RunContext&) = delete;

  const CommandOrigin& origin() const { return origin_; }
  const std::optional<Clock::time_point>& deadline() const { return deadline_; }

  // Marks the run cancelled and wakes sleep_for() at once. Thread-safe.
  void cancel();
  // True once cancel() was called or the deadline has passed. Thread-safe.
  bool cancelled() const { return cancelled_.load() || (deadline_ && Clock::now() >= *deadline_); }
  // Waits `d`, returning early (false) when the run is cancelled or reaches its deadline;
  // true when the whole duration elapsed. Thread-safe.
  bool sleep_for(Duration d) const;

 private:
  CommandOrigin origin_;
  std::optional<Clock::time_point> deadline_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;  // pairs with wake_ so cancel() cannot slip past a sleeper
  mutable std::condition_variable wake_;
};

// One backend. Implementations are stateless or guard their own state: the worker calls run()
// from its executor thread, one command at a time, but tests may call it from anywhere.
class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string_view name() const = 0;
  virtual const std::vector<ActionSpec>& actions() const = 0;

  // Runs `action`. An unknown action, a missing or invalid parameter or a failure of the
  // action is reported in ActionResult::error with the exact texts of §9 (e.g.
  // `apt: unknown action "frob"`, `apt install: missing required param 'package'`,
  // `apt install: invalid package "-o..."`). Never throws for bad input.
  virtual ActionResult run(std::string_view action, const Params& params, RunContext& ctx) = 0;
};

}  // namespace grid::backends
