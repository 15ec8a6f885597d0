// The configuration loader (SPEC §13): any YAML text loads or fails with a ConfigError
// (grid::Error); no other exception, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "grid/common/error.hpp"
#include "grid/config/load.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  grid::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto loaded = grid::config::load_config_string(text, "fuzz.yaml");
    static_cast<void>(loaded);
  } catch (const grid::Error&) {
  }
  return 0;
}
