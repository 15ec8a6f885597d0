// parse_duration (SPEC §2.3): any text either fails cleanly or gives a value that
// format_duration prints back to text parsing to the same value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "grid/common/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = grid::parse_duration(text);
  if (!parsed) return 0;
  const std::string formatted = grid::format_duration(*parsed);
  const auto again = grid::parse_duration(formatted);
  grid::fuzz::check(again.has_value(), "format_duration output does not parse");
  grid::fuzz::check(*again == *parsed, "format_duration/parse_duration round trip differs");
  return 0;
}
