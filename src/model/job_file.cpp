#include "grid/model/job_file.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "grid/common/error.hpp"

namespace grid::model {
namespace {

// Aliases let a small file expand into a huge tree; no real job file comes close to this.
constexpr std::size_t kMaxPhases = 10'000;
constexpr int kMaxPhaseDepth = 16;

std::string location(const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) +
         ": ";
}

[[noreturn]] void fail(const YAML::Node& node, const std::string& path, std::string_view problem) {
  throw Error("job file: " + location(node.Mark()) + path + ": " + std::string(problem));
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// Reads one job file, keeping the phase budget across the whole tree.
class JobFileReader {
 public:
  JobRequest read(const YAML::Node& root) {
    JobRequest request;
    if (root.IsNull()) return request;
    if (!root.IsMap()) fail(root, "(top level)", "expected a mapping");
    const YAML::Node target = root["target"];
    if (target.IsDefined() && !target.IsNull()) {
      if (!target.IsMap()) fail(target, "target", "expected a mapping");
      request.target.scope = read_string(target, "scope", "target");
      request.target.value = read_string(target, "value", "target");
    }
    request.tasks = read_phases(root, "", 0);
    request.strategy = read_string(root, "strategy", "");
    request.timeout = read_string(root, "timeout", "");
    return request;
  }

 private:
  std::vector<Phase> read_phases(const YAML::Node& parent, const std::string& path, int depth) {
    std::vector<Phase> phases;
    const std::string list_path = join(path, "tasks");
    const YAML::Node list = parent["tasks"];
    if (!list.IsDefined() || list.IsNull()) return phases;
    if (!list.IsSequence()) fail(list, list_path, "expected a list");
    if (depth > kMaxPhaseDepth) fail(list, list_path, "phases nested too deeply");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string item_path = list_path + "[" + std::to_string(i) + "]";
      if (++phase_count_ > kMaxPhases) fail(list[i], item_path, "too many phases");
      phases.push_back(read_phase(list[i], item_path, depth));
    }
    return phases;
  }

  Phase read_phase(const YAML::Node& node, const std::string& path, int depth) {
    if (!node.IsMap()) fail(node, path, "expected a mapping");
    Phase phase;
    phase.backend = read_string(node, "backend", path);
    phase.action = read_string(node, "action", path);
    phase.params = read_params(node, path);
    phase.timeout = read_string(node, "timeout", path);
    phase.max_retries = read_int(node, "max_retries", path);
    phase.tasks = read_phases(node, path, depth + 1);
    phase.condition = read_string(node, "condition", path);
    return phase;
  }

  static std::string read_string(const YAML::Node& map, std::string_view key,
                                 const std::string& path) {
    const YAML::Node value = map[std::string(key)];
    if (!value.IsDefined() || value.IsNull()) return "";
    if (!value.IsScalar()) fail(value, join(path, key), "expected a string");
    return value.Scalar();
  }

  static std::int64_t read_int(const YAML::Node& map, std::string_view key,
                               const std::string& path) {
    const YAML::Node value = map[std::string(key)];
    if (!value.IsDefined() || value.IsNull()) return 0;
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    std::int64_t number = 0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, number);
    if (text.empty() || ec != std::errc() || ptr != end) {
      fail(value, join(path, key), "expected an integer");
    }
    return number;
  }

  // Unquoted booleans are normalised as Go prints them; every other scalar keeps its text.
  static std::string param_text(const YAML::Node& value) {
    const std::string& text = value.Scalar();
    if (value.Tag() != "?") return text;  // quoted or explicitly tagged
    if (text == "true" || text == "True" || text == "TRUE") return "true";
    if (text == "false" || text == "False" || text == "FALSE") return "false";
    return text;
  }

  static std::map<std::string, std::string> read_params(const YAML::Node& phase,
                                                        const std::string& path) {
    std::map<std::string, std::string> params;
    const std::string params_path = join(path, "params");
    const YAML::Node map = phase["params"];
    if (!map.IsDefined() || map.IsNull()) return params;
    if (!map.IsMap()) fail(map, params_path, "expected a mapping");
    for (const auto& entry : map) {
      if (!entry.first.IsScalar()) fail(entry.first, params_path, "keys must be strings");
      const std::string key_path = join(params_path, entry.first.Scalar());
      if (!entry.second.IsScalar() || entry.second.IsNull()) {
        // A null value has no position of its own; point at its key.
        fail(entry.second.IsNull() ? entry.first : entry.second, key_path,
             "expected a scalar value");
      }
      params[entry.first.Scalar()] = param_text(entry.second);
    }
    return params;
  }

  std::size_t phase_count_ = 0;
};

}  // namespace

JobRequest parse_job_file(std::string_view yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    throw Error("job file: " + location(e.mark) + e.msg);
  }
  return JobFileReader().read(root);
}

}  // namespace grid::model
