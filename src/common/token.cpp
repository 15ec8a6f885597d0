#include "grid/common/token.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>

namespace grid {
namespace {

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

bool is_valid_token(std::string_view token) {
  return !token.empty() && token.size() <= kMaxTokenLength &&
         std::all_of(token.begin(), token.end(), is_token_char);
}

std::string sanitize_host_name(std::string_view host) {
  std::string result(host);
  std::replace_if(
      result.begin(), result.end(), [](char c) { return !is_token_char(c); }, '_');
  return result;
}

std::string os_host_name() {
  char buffer[HOST_NAME_MAX + 1] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "";
  return buffer;
}

}  // namespace grid
