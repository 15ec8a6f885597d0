#include "json_decode.hpp"

#include <limits>

#include "grid/common/error.hpp"
#include "quote.hpp"

namespace grid::model::json_decode {

std::string field_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void fail(const std::string& path, std::string_view problem) {
  throw Error(path.empty() ? std::string(problem) : path + ": " + std::string(problem));
}

void require_object(const json& value, const std::string& path) {
  if (!value.is_object()) fail(path, "expected object");
}

const json* find(const json& object, std::string_view key) {
  const auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string read_string(const json& object, std::string_view key, const std::string& path) {
  const json* value = find(object, key);
  if (value == nullptr) return "";
  if (!value->is_string()) fail(field_path(path, key), "expected string");
  return value->get<std::string>();
}

std::int64_t read_int64(const json& object, std::string_view key, const std::string& path) {
  const json* value = find(object, key);
  if (value == nullptr) return 0;
  if (!value->is_number_integer()) fail(field_path(path, key), "expected integer");
  if (value->is_number_unsigned() &&
      value->get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    fail(field_path(path, key), "integer out of range");
  }
  return value->get<std::int64_t>();
}

int read_int(const json& object, std::string_view key, const std::string& path) {
  const std::int64_t value = read_int64(object, key, path);
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    fail(field_path(path, key), "integer out of range");
  }
  return static_cast<int>(value);
}

std::map<std::string, std::string> decode_string_map(const json& map, const std::string& path) {
  require_object(map, path);
  std::map<std::string, std::string> result;
  for (const auto& [name, value] : map.items()) {
    if (value.is_null()) {
      result.emplace(name, "");  // Go decodes null as the zero value
    } else if (value.is_string()) {
      result.emplace(name, value.get<std::string>());
    } else {
      fail(field_path(path, name), "expected string");
    }
  }
  return result;
}

std::map<std::string, std::string> read_string_map(const json& object, std::string_view key,
                                                   const std::string& path) {
  const json* map = find(object, key);
  if (map == nullptr) return {};
  return decode_string_map(*map, field_path(path, key));
}

std::optional<std::vector<std::string>> read_string_list(const json& object, std::string_view key,
                                                         const std::string& path) {
  if (find(object, key) == nullptr) return std::nullopt;
  return read_array(object, key, path, [](const json& item, const std::string& item_path) {
    if (!item.is_string()) fail(item_path, "expected string");
    return item.get<std::string>();
  });
}

Timestamp read_timestamp(const json& object, std::string_view key, const std::string& path) {
  const std::string text = read_string(object, key, path);
  if (text.empty()) return Timestamp{};
  const auto parsed = parse_rfc3339(text);
  if (!parsed) fail(field_path(path, key), "invalid timestamp " + quote(text));
  return *parsed;
}

}  // namespace grid::model::json_decode
