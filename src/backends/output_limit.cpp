#include "grid/backends/output_limit.hpp"

#include <algorithm>

namespace grid::backends {

std::string truncate_output(std::string output) {
  if (output.size() <= kMaxOutputBytes) return output;
  std::size_t cut = kMaxOutputBytes;
  // Back off to the lead byte of a UTF-8 sequence split by the cut (at most 3 continuation
  // bytes), so the kept text stays valid where the original was.
  auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
  for (int i = 0; i < 3 && cut > 0 && continuation(output[cut]); ++i) --cut;
  output.resize(cut);
  output += kTruncationMarker;
  return output;
}

void CappedOutput::append(std::string_view data) {
  const std::size_t room = kMaxOutputBytes - text_.size();
  text_.append(data.substr(0, std::min(room, data.size())));
  if (data.size() > room) truncated_ = true;
}

std::string CappedOutput::take() {
  std::string result = std::move(text_);
  if (truncated_) result += kTruncationMarker;
  text_.clear();
  truncated_ = false;
  return result;
}

}  // namespace grid::backends
