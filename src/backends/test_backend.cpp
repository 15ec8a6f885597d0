#include "grid/backends/test_backend.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <random>

#include "go_text.hpp"
#include "params.hpp"

namespace grid::backends {
namespace {

constexpr int kDefaultRate = 50;

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Waits for the optional `delay` parameter; an error text when it is invalid or the wait was
// cut short.
std::optional<std::string> wait_delay(const Params& params, RunContext& ctx) {
  const auto text = param(params, "delay");
  if (!text) return std::nullopt;
  const DurationParam d = parse_duration_param("delay", *text);
  if (!d.value) return d.error;
  if (!ctx.sleep_for(*d.value)) return go_context_error(ctx);
  return std::nullopt;
}

ActionResult succeed(const Params& params, RunContext& ctx) {
  if (auto error = wait_delay(params, ctx)) return failure(std::move(*error));
  return ActionResult{param_or(params, "message", "ok"), std::nullopt};
}

ActionResult fail(const Params& params, RunContext& ctx) {
  if (auto error = wait_delay(params, ctx)) return failure(std::move(*error));
  return failure(param_or(params, "message", "intentional failure"));
}

ActionResult sleep(const Params& params, RunContext& ctx) {
  const std::string text = param_or(params, "duration", "1s");
  const DurationParam d = parse_duration_param("duration", text);
  if (!d.value) return failure("test sleep: " + d.error);
  if (!ctx.sleep_for(*d.value)) return failure(go_context_error(ctx));
  return ActionResult{"slept " + format_duration(*d.value), std::nullopt};
}

int clamped_or(const Params& params, std::string_view key, int fallback, int low, int high) {
  const auto text = param(params, key);
  const auto value = text ? parse_int(*text) : std::nullopt;
  return std::clamp(value.value_or(fallback), low, high);
}

ActionResult output(const Params& params) {
  const auto lines = static_cast<std::size_t>(clamped_or(params, "lines", 1, 1, 10'000));
  const auto width = static_cast<std::size_t>(clamped_or(params, "width", 80, 1, 1'000));
  std::string text;
  text.reserve(lines * (width + 1));
  for (std::size_t i = 0; i < lines; ++i) {
    if (i > 0) text += '\n';
    text.append(width, 'x');
  }
  return ActionResult{std::move(text), std::nullopt};
}

TestBackend::Roll random_roll() {
  struct Source {
    std::mutex mutex;
    std::mt19937 engine{std::random_device{}()};
  };
  auto source = std::make_shared<Source>();
  return [source] {
    std::lock_guard lock(source->mutex);
    return std::uniform_int_distribution<int>(0, 99)(source->engine);
  };
}

}  // namespace

TestBackend::TestBackend() : roll_(random_roll()) {}

TestBackend::TestBackend(Roll roll) : roll_(std::move(roll)) {}

const std::vector<ActionSpec>& TestBackend::actions() const {
  static const std::vector<ActionSpec> kActions{
      {"succeed",
       {{"delay", false, "wait before succeeding, Go duration"},
        {"message", false, "output (default \"ok\")"}}},
      {"fail",
       {{"delay", false, "wait before failing, Go duration"},
        {"message", false, "error (default \"intentional failure\")"}}},
      {"sleep", {{"duration", false, "how long to wait, Go duration (default \"1s\")"}}},
      {"flaky",
       {{"delay", false, "wait before deciding, Go duration"},
        {"rate", false, "failure probability in percent, 0-100 (default 50)"}}},
      {"output",
       {{"lines", false, "number of lines, 1-10000 (default 1)"},
        {"width", false, "characters per line, 1-1000 (default 80)"}}},
  };
  return kActions;
}

ActionResult TestBackend::run(std::string_view action, const Params& params, RunContext& ctx) {
  if (action == "succeed") return succeed(params, ctx);
  if (action == "fail") return fail(params, ctx);
  if (action == "sleep") return sleep(params, ctx);
  if (action == "flaky") return flaky(params, ctx);
  if (action == "output") return output(params);
  return failure(unknown_action(name(), action));
}

ActionResult TestBackend::flaky(const Params& params, RunContext& ctx) {
  const auto text = param(params, "rate");
  const auto rate = text ? parse_int(*text) : std::optional<int>(kDefaultRate);
  if (!rate || *rate < 0 || *rate > 100) {
    return failure("test flaky: rate must be 0-100, got " + go_quote(text.value_or("")));
  }
  if (auto error = wait_delay(params, ctx)) return failure(std::move(*error));
  const std::string outcome = "(rate=" + std::to_string(*rate) + "%)";
  if (roll_() < *rate) return failure("flaky failure " + outcome);
  return ActionResult{"flaky success " + outcome, std::nullopt};
}

}  // namespace grid::backends
