// Helpers shared by the config tests: load YAML text as if it came from "config.yaml".
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "grid/config/load.hpp"

namespace grid::config::test {

inline LoadResult load(std::string_view yaml) {
  return load_config_string(yaml, "config.yaml");
}

// The problems of the ConfigError that loading `yaml` throws; fails the test when it loads.
inline std::vector<std::string> problems_of(std::string_view yaml) {
  try {
    load(yaml);
  } catch (const ConfigError& e) {
    return e.problems();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return {};
}

}  // namespace grid::config::test
