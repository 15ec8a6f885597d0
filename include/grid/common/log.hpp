// Process-wide logging set-up. Every binary calls setup_logging once in main(); library code
// logs through spdlog's default logger (spdlog::info(...)), never to stdout/stderr directly.
#pragma once

#include <string>

namespace grid {

// Installs a colour stderr logger named after the program with a concise pattern
// ("2026-11-27T01:02:03.456Z INF grid: message key=value") at info level, or debug level when
// `debug` is true.
void setup_logging(const std::string& program, bool debug);

}  // namespace grid
