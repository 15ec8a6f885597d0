// Texts the Go implementation produced and the contract keeps (SPEC §9.1, §9.6): quoting,
// duration parse errors, context errors. Internal to the backends module. Pure functions,
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "grid/backends/backend.hpp"

namespace grid::backends {

// Go's strconv.Quote, the `%q` verb: double quotes; `"` and `\` escaped; control characters
// as \n, \t, … or \xNN; invalid UTF-8 bytes as \xNN; printable UTF-8 kept.
std::string go_quote(std::string_view text);

// The error Go's time.ParseDuration gives for `text`, e.g. `time: invalid duration "abc"`,
// `time: missing unit in duration "30"`, `time: unknown unit "d" in duration "1d"`. Meant for
// text grid::parse_duration rejected; text Go would accept yields the `invalid duration` form.
std::string go_duration_error(std::string_view text);

// Go's ctx.Err() text for a run that stopped early: `context deadline exceeded` once the
// deadline has passed, otherwise `context canceled`.
std::string go_context_error(const RunContext& ctx);

}  // namespace grid::backends
