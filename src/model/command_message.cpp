#include "grid/model/command_message.hpp"

#include <charconv>

#include "grid/model/json.hpp"
#include "json_decode.hpp"

namespace grid::model {
namespace {

std::string header(const std::map<std::string, std::string>& headers, std::string_view name) {
  const auto it = headers.find(std::string(name));
  return it == headers.end() ? "" : it->second;
}

// Go's strconv.Atoi semantics, with any failure mapped to 0 (SPEC §3.6).
int parse_task_index(const std::string& text) {
  int value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  return ec == std::errc() && ptr == end ? value : 0;
}

}  // namespace

Headers command_headers(const CommandMessage& command) {
  Headers headers{{std::string(kHeaderJobId), command.job_id},
                  {std::string(kHeaderTaskIndex), std::to_string(command.task_index)},
                  {std::string(kHeaderBackend), command.backend},
                  {std::string(kHeaderAction), command.action}};
  if (command.timeout) {
    headers.emplace_back(std::string(kHeaderTimeout), format_duration(*command.timeout));
  }
  return headers;
}

std::string command_body(const CommandMessage& command) {
  if (command.params.empty()) return "null";
  return dump_json(OrderedJson(command.params));
}

CommandMessage decode_command(const std::map<std::string, std::string>& headers,
                              std::string_view body) {
  CommandMessage command;
  command.job_id = header(headers, kHeaderJobId);
  command.task_index = parse_task_index(header(headers, kHeaderTaskIndex));
  command.backend = header(headers, kHeaderBackend);
  command.action = header(headers, kHeaderAction);
  const std::string timeout = header(headers, kHeaderTimeout);
  if (!timeout.empty()) command.timeout = parse_duration(timeout);
  if (!body.empty()) {
    const nlohmann::json params = parse_json(body);
    if (!params.is_null()) command.params = json_decode::decode_string_map(params, "params");
  }
  return command;
}

}  // namespace grid::model
