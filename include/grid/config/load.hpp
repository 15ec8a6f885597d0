// Strict loading of the YAML configuration file (SPEC §13, BUG-29).
//
// Every problem in the file (malformed YAML, wrong types, invalid values, invalid tokens,
// duplicate keys) is collected and reported together in one ConfigError, each as
// "<source>:<line>: <yaml.path>: <problem>". Unknown keys are not errors: they come back as
// warnings for the caller to log. Thread-safe (no shared state).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "grid/common/error.hpp"
#include "grid/config/config.hpp"

namespace grid::config {

// what() is every problem, one per line; problems() lists them separately.
class ConfigError : public grid::Error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

struct LoadResult {
  Config config;
  std::vector<std::string> warnings;  // e.g. "config.yaml:4: unknown key nats.servr"
};

// Loads `path` on top of the defaults. A missing file is a ConfigError when `explicit_path`
// (the user passed -c), otherwise a warning and the defaults. An empty file gives the
// defaults. Files that are not regular or larger than 1 MiB are rejected.
LoadResult load_config_file(const std::filesystem::path& path, bool explicit_path);

// Loads YAML text on top of the defaults; `source` prefixes the messages.
LoadResult load_config_string(std::string_view yaml, std::string_view source = "<config>");

}  // namespace grid::config
