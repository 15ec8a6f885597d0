#include "grid/cli/target_arg.hpp"

#include <optional>

#include "grid/common/error.hpp"

namespace grid::cli {
namespace {

// The name after `prefix` when `text` starts with it and the name is not empty.
std::optional<std::string> named(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix) || text.size() == prefix.size()) return std::nullopt;
  return std::string(text.substr(prefix.size()));
}

}  // namespace

model::Target parse_target(std::string_view text) {
  if (text == "all") return {"all", ""};
  if (auto group = named(text, "group:")) return {"group", *group};
  if (auto node = named(text, "node:")) return {"node", *node};
  throw Error("invalid target \"" + std::string(text) + "\": use all, group:<name> or node:<id>");
}

std::map<std::string, std::string> parse_params(const std::vector<std::string>& args) {
  std::map<std::string, std::string> params;
  for (const auto& arg : args) {
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      throw Error("invalid parameter \"" + arg + "\": expected key=value");
    }
    if (eq == 0) throw Error("invalid parameter \"" + arg + "\": empty key");
    params[arg.substr(0, eq)] = arg.substr(eq + 1);
  }
  return params;
}

}  // namespace grid::cli
