// Parameter validation of the built-in backends (SPEC §9): apt, systemd, rke2, ping, test.
// Input: line 1 the backend name, line 2 the action, then `key=value` lines (params).
// Each run gets an already cancelled RunContext, so after validation nothing is executed
// (the command runner starts nothing, waits return at once). rke2 `download` (an HTTP GET,
// no params) is skipped. A backend must answer every input with a result, never throw.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "grid/backends/registry.hpp"

namespace {

std::string_view next_line(std::string_view& rest) {
  const auto end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  grid::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static grid::backends::Registry registry = grid::backends::builtin_registry();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view backend_name = next_line(rest);
  const std::string_view action = next_line(rest);
  grid::backends::Backend* backend = registry.find(backend_name);
  if (backend == nullptr) return 0;
  if (backend_name == "rke2" && action == "download") return 0;
  grid::backends::Params params;
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    const auto eq = line.find('=');
    params[std::string(line.substr(0, eq))] =
        eq == std::string_view::npos ? std::string{} : std::string(line.substr(eq + 1));
  }
  grid::backends::RunContext ctx({"job-fuzz", 0, "n1"}, std::nullopt);
  ctx.cancel();
  const auto result = backend->run(action, params, ctx);
  static_cast<void>(result);
  return 0;
}
