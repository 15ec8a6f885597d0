// JSON plumbing shared by the model codecs (SPEC §2.4). Decoding reads nlohmann::json (sorted
// map: O(log n) key lookup, safe for hostile bodies with many keys); encoding writes
// nlohmann::ordered_json so that fields appear in the contract's (Go struct) order.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace grid::model {

using OrderedJson = nlohmann::ordered_json;

// Deepest array/object nesting parse_json accepts; the contract's documents need about 8.
inline constexpr int kMaxJsonDepth = 64;

// Parses JSON text. Throws grid::Error ("invalid JSON: ...") for malformed or truncated text,
// numbers out of double range (1e400) and nesting deeper than kMaxJsonDepth (checked before
// the parser runs, so hostile input never recurses deeply anywhere).
nlohmann::json parse_json(std::string_view text);

// Compact serialisation; invalid UTF-8 in strings (e.g. backend output) is replaced by U+FFFD
// instead of throwing, as Go's encoder does.
std::string dump_json(const OrderedJson& json);

// Text form of any model value that has an encode() overload.
template <typename T>
std::string to_json_text(const T& value) {
  return dump_json(encode(value));
}

}  // namespace grid::model
