#include "grid/bus/subjects.hpp"

#include <algorithm>
#include <charconv>

#include "grid/common/error.hpp"
#include "grid/common/token.hpp"

namespace grid::bus {
namespace {

constexpr std::string_view kWorkerPrefix = "worker:";
constexpr std::string_view kGroupInfix = ":group:";

std::string join(std::initializer_list<std::string_view> parts, char separator = '.') {
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t pos = text.find(separator); pos != std::string_view::npos;
       pos = text.find(separator, start)) {
    parts.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::optional<std::uint64_t> parse_index(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string worker_durable(std::string_view node, std::string_view kind) {
  require_token("node ID", node);
  return std::string(kWorkerPrefix) + std::string(node) + ":" + std::string(kind);
}

}  // namespace

void require_token(std::string_view what, std::string_view token) {
  if (!is_valid_token(token)) {
    throw Error("invalid " + std::string(what) + " \"" + std::string(token) +
                "\": must match ^[A-Za-z0-9_-]+$ and be at most " +
                std::to_string(kMaxTokenLength) + " characters");
  }
}

std::string command_subject(Scope scope, std::string_view value, std::string_view backend,
                            std::string_view action) {
  require_token("backend", backend);
  require_token("action", action);
  switch (scope) {
    case Scope::group:
      require_token("group", value);
      return join({"cmd", "group", value, backend, action});
    case Scope::node:
      require_token("node ID", value);
      return join({"cmd", "node", value, backend, action});
    case Scope::all:
      break;
  }
  return join({"cmd", "all", backend, action});
}

std::string request_subject(std::string_view job) {
  require_token("job ID", job);
  return join({"request", job});
}

std::optional<std::string> request_job(std::string_view subject) {
  constexpr std::string_view prefix = "request.";
  if (!subject.starts_with(prefix)) return std::nullopt;
  const std::string_view job = subject.substr(prefix.size());
  if (!is_valid_token(job)) return std::nullopt;
  return std::string(job);
}

std::string result_subject(std::string_view job, std::uint64_t task_index, std::string_view node) {
  require_token("job ID", job);
  require_token("node ID", node);
  return join({"result", job, std::to_string(task_index), node});
}

std::string job_results_filter(std::string_view job) {
  require_token("job ID", job);
  return join({"result", job, ">"});
}

std::string step_results_filter(std::string_view job, std::uint64_t task_index) {
  require_token("job ID", job);
  return join({"result", job, std::to_string(task_index), ">"});
}

std::optional<ResultSubject> parse_result_subject(std::string_view subject) {
  const auto parts = split(subject, '.');
  if (parts.size() != 4 || parts[0] != "result") return std::nullopt;
  if (!is_valid_token(parts[1]) || !is_valid_token(parts[3])) return std::nullopt;
  const auto index = parse_index(parts[2]);
  if (!index) return std::nullopt;
  return ResultSubject{std::string(parts[1]), *index, std::string(parts[3])};
}

WorkerConsumer worker_all_consumer(std::string_view node) {
  return {worker_durable(node, "all"), "cmd.all.>"};
}

WorkerConsumer worker_node_consumer(std::string_view node) {
  return {worker_durable(node, "node"), join({"cmd", "node", node, ">"})};
}

WorkerConsumer worker_group_consumer(std::string_view node, std::string_view group) {
  require_token("group", group);
  return {worker_durable(node, "group:" + std::string(group)), join({"cmd", "group", group, ">"})};
}

std::vector<WorkerConsumer> worker_consumers(std::string_view node,
                                             const std::vector<std::string>& groups) {
  std::vector<WorkerConsumer> consumers{worker_all_consumer(node), worker_node_consumer(node)};
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (std::find(groups.begin(), groups.begin() + static_cast<std::ptrdiff_t>(i), groups[i]) ==
        groups.begin() + static_cast<std::ptrdiff_t>(i)) {
      consumers.push_back(worker_group_consumer(node, groups[i]));
    }
  }
  return consumers;
}

std::optional<std::string> worker_group_of(std::string_view node, std::string_view durable) {
  const std::string prefix =
      std::string(kWorkerPrefix) + std::string(node) + std::string(kGroupInfix);
  if (!durable.starts_with(prefix)) return std::nullopt;
  std::string_view group = durable.substr(prefix.size());
  if (!is_valid_token(group)) return std::nullopt;
  return std::string(group);
}

std::string kv_stream(std::string_view bucket) {
  require_token("bucket", bucket);
  return "KV_" + std::string(bucket);
}

std::string kv_subject(std::string_view bucket, std::string_view key) {
  require_token("bucket", bucket);
  require_token("key", key);
  return join({"$KV", bucket, key});
}

std::string kv_bucket_filter(std::string_view bucket) {
  require_token("bucket", bucket);
  return join({"$KV", bucket, ">"});
}

std::string_view kv_key_of(std::string_view bucket, std::string_view subject) {
  const std::string prefix = "$KV." + std::string(bucket) + ".";
  if (!subject.starts_with(prefix)) return {};
  return subject.substr(prefix.size());
}

}  // namespace grid::bus
