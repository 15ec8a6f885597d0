#include "grid/cli/document.hpp"

#include <yaml-cpp/yaml.h>

namespace grid::cli {
namespace {

void emit(YAML::Emitter& out, const model::OrderedJson& value) {
  switch (value.type()) {
    case model::OrderedJson::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case model::OrderedJson::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      break;
    case model::OrderedJson::value_t::string:
      out << YAML::DoubleQuoted << value.get<std::string>();
      break;
    case model::OrderedJson::value_t::null:
      out << YAML::Null;
      break;
    default:  // numbers and booleans: JSON's text is valid YAML
      out << value.dump();
      break;
  }
}

}  // namespace

std::optional<OutputFormat> parse_output_format(std::string_view text) {
  if (text == "json") return OutputFormat::kJson;
  if (text == "yaml") return OutputFormat::kYaml;
  if (text == "table") return OutputFormat::kTable;
  return std::nullopt;
}

std::string to_indented_json(const model::OrderedJson& document) {
  return document.dump(2, ' ', false, model::OrderedJson::error_handler_t::replace);
}

std::string to_yaml(const model::OrderedJson& document) {
  YAML::Emitter out;
  emit(out, document);
  return out.c_str();
}

}  // namespace grid::cli
