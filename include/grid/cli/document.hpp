// Machine-readable renderings of API documents for `-o json|yaml`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grid/model/json.hpp"

namespace grid::cli {

enum class OutputFormat { kJson, kYaml, kTable };

// "json", "yaml", "table"; anything else → nullopt.
std::optional<OutputFormat> parse_output_format(std::string_view text);

// JSON indented with 2 spaces, keys in the document's order, no trailing newline; invalid
// UTF-8 is replaced by U+FFFD.
std::string to_indented_json(const model::OrderedJson& document);

// Block-style YAML, keys (plain) in the document's order, every string value double-quoted
// (so that "50", "true" or "" stay strings), `~` for null; no trailing newline.
std::string to_yaml(const model::OrderedJson& document);

}  // namespace grid::cli
