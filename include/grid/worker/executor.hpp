// The worker's single executor (SPEC §8.2, D-2): at most one command runs at a time, on a
// thread of its own, because backends are synchronous.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "grid/backends/registry.hpp"
#include "grid/worker/command.hpp"

namespace grid::worker {

// Owns the executor thread. start() hands it one command; when the backend returns,
// `finished` is called on the executor thread with the result (the worker posts it to its
// loop). start() and cancel() may be called from any thread; the owner calls start() only
// while idle (after `finished` for the previous command).
class Executor {
 public:
  using Finished = std::function<void(model::TaskResult)>;

  // `registry` must outlive the executor.
  Executor(backends::Registry& registry, std::string node_id, Finished finished);
  // Cancels the running command, waits for its backend to return, ends the thread.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs `command`, with a deadline of now + its timeout header when it has one.
  void start(Command command);
  // Asks the running backend to stop early (RunContext::cancel); no-op when idle.
  void cancel();

 private:
  void work();

  backends::Registry& registry_;
  const std::string node_id_;
  const Finished finished_;
  std::mutex mutex_;  // guards next_, running_, quit_
  std::condition_variable wake_;
  std::optional<Command> next_;
  std::shared_ptr<backends::RunContext> running_;
  bool quit_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace grid::worker
