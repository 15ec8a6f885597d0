// Shared helpers of the libFuzzer targets: silent logging and a hard failure that libFuzzer
// reports as a crash (with the reproducer path) when a property does not hold.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace grid::fuzz {

// Library code logs warnings for hostile input; keep the fuzzer's output readable.
inline void quiet_logging() {
  spdlog::set_level(spdlog::level::off);
}

// Aborts with `what` when `ok` is false.
inline void check(bool ok, std::string_view what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property failed: %.*s\n", static_cast<int>(what.size()),
                 what.data());
    std::abort();
  }
}

}  // namespace grid::fuzz
