// Reading command parameters and the error texts shared by every backend (SPEC §9.1).
// Internal to the backends module. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grid/backends/backend.hpp"
#include "grid/common/duration.hpp"

namespace grid::backends {

// The value of `key`, or nullopt when it is absent or empty ("required" in §9.1 treats an
// empty string as missing, and Go's defaults apply to empty strings too).
std::optional<std::string> param(const Params& params, std::string_view key);

// The value of `key`, or `fallback` when it is absent or empty.
std::string param_or(const Params& params, std::string_view key, std::string_view fallback);

// `<backend>: unknown action "<action>"` (Go %q quoting).
std::string unknown_action(std::string_view backend, std::string_view action);

// `<backend> <action>: invalid <param> "<value>"` (§9.1, Go %q quoting).
std::string invalid_param(std::string_view backend, std::string_view action,
                          std::string_view param_name, std::string_view value);

// A failed result with empty output.
ActionResult failure(std::string error);

// A duration parameter: `value` on success, otherwise `error` holds
// `invalid <what> "<text>": <Go's parse error>`.
struct DurationParam {
  std::optional<Duration> value;
  std::string error;
};
DurationParam parse_duration_param(std::string_view what, std::string_view text);

}  // namespace grid::backends
