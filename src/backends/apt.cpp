#include "grid/backends/apt.hpp"

#include <algorithm>
#include <cctype>

#include "grid/backends/command_runner.hpp"
#include "params.hpp"

namespace grid::backends {
namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

ActionResult apt_get(std::vector<std::string> args, const RunContext& ctx) {
  args.insert(args.begin(), "apt-get");
  return run_command(Command{std::move(args), {"DEBIAN_FRONTEND=noninteractive"}}, ctx);
}

// install / remove: `apt-get <action> -y <package>`.
ActionResult package_action(std::string_view action, const Params& params, RunContext& ctx) {
  const auto package = param(params, "package");
  if (!package) {
    return failure("apt " + std::string(action) + ": missing required param 'package'");
  }
  if (!is_valid_package_name(*package)) {
    return failure(invalid_param("apt", action, "package", *package));
  }
  return apt_get({std::string(action), "-y", *package}, ctx);
}

}  // namespace

bool is_valid_package_name(std::string_view name) {
  const auto allowed = [](char c) {
    return is_alnum(c) || std::string_view(".+_:=~-").find(c) != std::string_view::npos;
  };
  return !name.empty() && is_alnum(name[0]) && std::all_of(name.begin(), name.end(), allowed);
}

const std::vector<ActionSpec>& AptBackend::actions() const {
  static const std::vector<ActionSpec> kActions{
      {"install", {{"package", true, "Debian package name, optionally name=version"}}},
      {"remove", {{"package", true, "Debian package name"}}},
      {"update", {}},
      {"upgrade", {}},
  };
  return kActions;
}

ActionResult AptBackend::run(std::string_view action, const Params& params, RunContext& ctx) {
  if (action == "install" || action == "remove") return package_action(action, params, ctx);
  if (action == "update") return apt_get({"update"}, ctx);
  if (action == "upgrade") return apt_get({"upgrade", "-y"}, ctx);
  return failure(unknown_action(name(), action));
}

}  // namespace grid::backends
