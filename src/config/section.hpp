// Typed, path-aware reading of one YAML mapping of the configuration schema (private to the
// config module). Problems are collected in a Diagnostics instead of thrown, so one load
// reports every bad key. Only keys the schema asks for are ever visited: values of unknown
// keys are never traversed, which keeps alias bombs ("billion laughs") harmless.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grid/common/duration.hpp"

namespace grid::config {

// Problems and warnings formatted as "<source>:<line>: <path>: <text>", reported in line order.
class Diagnostics {
 public:
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}

  // A null mark (no position known) omits the line.
  void error(const YAML::Mark& mark, std::string_view path, std::string_view problem);
  void warning(const YAML::Mark& mark, std::string_view text);

  // Throws ConfigError with every problem collected so far, if any.
  void throw_if_errors() const;
  std::vector<std::string> warnings() const { return in_line_order(warnings_); }

 private:
  struct Message {
    int line;  // -1 when unknown
    std::string text;
  };

  Message locate(const YAML::Mark& mark) const;
  static std::vector<std::string> in_line_order(std::vector<Message> messages);

  std::string source_;
  std::vector<Message> errors_;
  std::vector<Message> warnings_;
};

// The value as it appears in a message: double-quoted, escaped, truncated to 80 bytes.
std::string quote(std::string_view text);

// Returns a problem description for an invalid value, or nullopt when it is valid.
using Check = std::optional<std::string> (*)(std::string_view value);

// One mapping at `path` ("" for the document root). A null node is an empty mapping; any other
// non-mapping is reported once and then read as empty. Each reader stores the converted value
// into `out` only when the key is present and not null, so absent keys keep their defaults.
class Section {
 public:
  Section(const YAML::Node& node, std::string path, Diagnostics& diag);

  Section section(std::string_view key);
  void boolean(std::string_view key, bool& out);
  void integer(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t& out);
  void integer(std::string_view key, int min, int max, int& out);
  // Returns whether the key is present and not null (even when its value was rejected).
  bool string(std::string_view key, std::string& out, Check check = nullptr);
  // Durations in Go syntax (§2.3) that must be > 0; "" keeps the default.
  void positive_duration(std::string_view key, Duration& out);
  // A list of strings, each passed through `check`; nullopt when absent or null.
  std::optional<std::vector<std::string>> string_list(std::string_view key, Check check = nullptr);

  // Whether `key` is present (null counts as present).
  bool has(std::string_view key) const;
  // Reports a problem at `key` (at its line when present).
  void error_at(std::string_view key, std::string_view problem);
  // Warns about every key no reader asked for.
  void warn_unknown_keys();

 private:
  struct Entry {
    std::string key;
    YAML::Mark key_mark;
    YAML::Node value;
    bool known = false;
  };

  // The entry when present and not null (marking it known), else nullptr.
  const Entry* lookup(std::string_view key);
  Entry* find(std::string_view key);
  // The scalar text of `e`, or nullopt after reporting `expected` with what was found.
  std::optional<std::string> scalar(const Entry& e, std::string_view expected, bool plain_only);
  std::string child_path(std::string_view key) const;
  void report(const Entry& e, std::string_view problem);

  std::string path_;
  Diagnostics& diag_;
  std::vector<Entry> entries_;
};

}  // namespace grid::config
