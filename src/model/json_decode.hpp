// Strict field readers behind the decode_* functions (SPEC §2.4): absent and null keys give
// the empty value, unknown keys are ignored, any other type mismatch throws grid::Error
// "<path>: expected <type>". Private to the model module.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grid/common/timestamp.hpp"

namespace grid::model::json_decode {

using nlohmann::json;

// "a" + "b" → "a.b"; "" + "b" → "b".
std::string field_path(const std::string& path, std::string_view key);
// "tasks" + 2 → "tasks[2]".
std::string index_path(const std::string& path, std::size_t index);

[[noreturn]] void fail(const std::string& path, std::string_view problem);

// Throws unless `value` is an object.
void require_object(const json& value, const std::string& path);

// The value under `key`, or nullptr when absent or null.
const json* find(const json& object, std::string_view key);

std::string read_string(const json& object, std::string_view key, const std::string& path);
std::int64_t read_int64(const json& object, std::string_view key, const std::string& path);
int read_int(const json& object, std::string_view key, const std::string& path);
// An object whose values are all strings (null values become "").
std::map<std::string, std::string> decode_string_map(const json& map, const std::string& path);
std::map<std::string, std::string> read_string_map(const json& object, std::string_view key,
                                                   const std::string& path);
// nullopt when absent or null.
std::optional<std::vector<std::string>> read_string_list(const json& object, std::string_view key,
                                                         const std::string& path);
// Timestamp{} when absent or null; throws for text that is not RFC 3339.
Timestamp read_timestamp(const json& object, std::string_view key, const std::string& path);

// Decodes each element of the array under `key` with `decode(element, element_path)`.
template <typename Decode>
auto read_array(const json& object, std::string_view key, const std::string& path, Decode decode)
    -> std::vector<decltype(decode(object, path))> {
  std::vector<decltype(decode(object, path))> items;
  const std::string array_path = field_path(path, key);
  const json* array = find(object, key);
  if (array == nullptr) return items;
  if (!array->is_array()) fail(array_path, "expected array");
  items.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    items.push_back(decode((*array)[i], index_path(array_path, i)));
  }
  return items;
}

}  // namespace grid::model::json_decode
