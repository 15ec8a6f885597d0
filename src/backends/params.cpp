#include "params.hpp"

#include "go_text.hpp"

namespace grid::backends {

std::optional<std::string> param(const Params& params, std::string_view key) {
  const auto it = params.find(std::string(key));
  if (it == params.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string param_or(const Params& params, std::string_view key, std::string_view fallback) {
  return param(params, key).value_or(std::string(fallback));
}

std::string unknown_action(std::string_view backend, std::string_view action) {
  return std::string(backend) + ": unknown action " + go_quote(action);
}

std::string invalid_param(std::string_view backend, std::string_view action,
                          std::string_view param_name, std::string_view value) {
  return std::string(backend) + " " + std::string(action) + ": invalid " + std::string(param_name) +
         " " + go_quote(value);
}

ActionResult failure(std::string error) {
  return ActionResult{{}, std::move(error)};
}

DurationParam parse_duration_param(std::string_view what, std::string_view text) {
  if (auto d = parse_duration(text)) return DurationParam{d, {}};
  return DurationParam{std::nullopt, "invalid " + std::string(what) + " " + go_quote(text) + ": " +
                                         go_duration_error(text)};
}

}  // namespace grid::backends
