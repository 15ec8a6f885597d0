#include "grid/worker/executor.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace grid::worker {
namespace {

std::optional<backends::RunContext::Clock::time_point> deadline_of(const Command& command) {
  const auto& timeout = command.message.timeout;
  if (!timeout || *timeout <= Duration::zero()) return std::nullopt;
  const auto start = backends::RunContext::Clock::now();
  // A timeout beyond the clock's range (a hostile or absurd header such as Go's largest
  // duration, 2562047h47m16.854775807s) is no deadline: adding it would overflow.
  if (*timeout >= backends::RunContext::Clock::time_point::max() - start) return std::nullopt;
  return start + *timeout;
}

}  // namespace

Executor::Executor(backends::Registry& registry, std::string node_id, Finished finished)
    : registry_(registry),
      node_id_(std::move(node_id)),
      finished_(std::move(finished)),
      thread_([this] { work(); }) {}

Executor::~Executor() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
    if (running_) running_->cancel();
  }
  wake_.notify_one();
  thread_.join();
}

void Executor::start(Command command) {
  {
    std::lock_guard lock(mutex_);
    next_ = std::move(command);
  }
  wake_.notify_one();
}

void Executor::cancel() {
  std::lock_guard lock(mutex_);
  if (running_) running_->cancel();
}

void Executor::work() {
  for (;;) {
    Command command;
    std::shared_ptr<backends::RunContext> ctx;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return quit_ || next_.has_value(); });
      if (quit_) return;
      command = std::move(*next_);
      next_.reset();
      backends::CommandOrigin origin{
          command.message.job_id, static_cast<std::uint64_t>(command.message.task_index), node_id_};
      ctx = std::make_shared<backends::RunContext>(std::move(origin), deadline_of(command));
      running_ = ctx;
    }
    model::TaskResult result;
    try {
      result = execute(command, registry_, node_id_, *ctx);
    } catch (const std::exception& e) {  // backends report errors in results; never kill us
      spdlog::error("backend {} threw: {}", command.message.backend, e.what());
      result = failed_result(command, node_id_, command.message.backend + ": " + e.what());
    }
    {
      std::lock_guard lock(mutex_);
      running_.reset();
    }
    finished_(std::move(result));
  }
}

}  // namespace grid::worker
