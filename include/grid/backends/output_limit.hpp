// The size limit of every action's output (SPEC §8.2, BUG-35): at most 262 144 bytes, then
// the marker `\n... [output truncated]`. The command runner applies it while reading; the
// worker applies truncate_output() to every result before publishing it. truncate_output()
// never splits a UTF-8 sequence; CappedOutput cuts bytes exactly, and program output may be
// invalid UTF-8 anyway, so JSON encoders must tolerate it (model::dump_json does).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace grid::backends {

inline constexpr std::size_t kMaxOutputBytes = 262'144;
inline constexpr std::string_view kTruncationMarker = "\n... [output truncated]";

// `output` when it fits, otherwise its first kMaxOutputBytes bytes (less a UTF-8 sequence
// split by the cut) followed by the marker.
std::string truncate_output(std::string output);

// Output collected piece by piece (e.g. from a pipe) that never holds more than the limit.
// Not thread-safe.
class CappedOutput {
 public:
  void append(std::string_view data);
  // The collected text, with the marker when anything was dropped. Leaves this empty.
  std::string take();

 private:
  std::string text_;
  bool truncated_ = false;
};

}  // namespace grid::backends
