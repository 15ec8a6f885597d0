#include "grid/cli/commands.hpp"

#include <spdlog/spdlog.h>

#include <functional>

#include "grid/cli/http_status.hpp"
#include "grid/cli/progress.hpp"
#include "grid/cli/views.hpp"
#include "grid/cli/wait.hpp"
#include "grid/common/error.hpp"
#include "grid/model/node_info.hpp"

namespace grid::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kAccepted = 202;
constexpr int kOk = 200;

// A GET whose answer is ≥ 400 becomes "API error (<code>): <body>".
std::string get_body(ApiClient& client, const std::string& path) {
  auto response = client.get(path);
  check_api_status(response);
  return response.body;
}

// §11.2: a 2xx body that is not the expected JSON is printed as it is (exit 0).
void echo_raw(const std::string& body, Console& console) {
  console.out << body;
  if (body.empty() || body.back() != '\n') console.out << '\n';
}

template <typename T>
using Decoder = std::function<T(const nlohmann::json&)>;

template <typename T>
std::optional<T> decode_one(const std::string& body, const Decoder<T>& decode) {
  try {
    return decode(model::parse_json(body));
  } catch (const Error& e) {
    spdlog::debug("undecodable response: {}", e.what());
    return std::nullopt;
  }
}

template <typename T>
std::optional<std::vector<T>> decode_list(const std::string& body, const Decoder<T>& decode) {
  return decode_one<std::vector<T>>(body, [&](const nlohmann::json& json) {
    if (!json.is_array()) throw Error("expected an array");
    std::vector<T> items;
    for (const auto& item : json) items.push_back(decode(item));
    return items;
  });
}

template <typename T>
model::OrderedJson encode_list(const std::vector<T>& items) {
  auto array = model::OrderedJson::array();
  for (const auto& item : items) array.push_back(model::encode(item));
  return array;
}

// Prints `document` as JSON or YAML, or `table()` for the table format.
void print(OutputFormat format, const model::OrderedJson& document,
           const std::function<std::string()>& table, Console& console) {
  switch (format) {
    case OutputFormat::kJson:
      console.out << to_indented_json(document) << '\n';
      break;
    case OutputFormat::kYaml:
      console.out << to_yaml(document) << '\n';
      break;
    case OutputFormat::kTable:
      console.out << table();
      break;
  }
}

// GET <path> for one document: JSON by default.
template <typename T>
int show_one(ApiClient& client, const std::string& path, const Decoder<T>& decode,
             const std::function<std::string(const std::vector<T>&)>& table,
             std::optional<OutputFormat> format, Console& console) {
  auto body = get_body(client, path);
  auto item = decode_one<T>(body, decode);
  if (!item) {
    echo_raw(body, console);
    return 0;
  }
  print(
      format.value_or(OutputFormat::kJson), model::encode(*item), [&] { return table({*item}); },
      console);
  return 0;
}

// GET <path> for a list: a table by default.
template <typename T>
int show_list(ApiClient& client, const std::string& path, const Decoder<T>& decode,
              const std::function<std::string(const std::vector<T>&)>& table,
              std::optional<OutputFormat> format, Console& console) {
  auto body = get_body(client, path);
  auto items = decode_list<T>(body, decode);
  if (!items) {
    echo_raw(body, console);
    return 0;
  }
  print(
      format.value_or(OutputFormat::kTable), encode_list(*items), [&] { return table(*items); },
      console);
  return 0;
}

int run_job(const Invocation& invocation, ApiClient& client, Console& console,
            const WaitSettings& wait) {
  auto request = build_job_request(invocation.run);
  auto response = client.post("/job", model::dump_json(encode_job_request(request)));
  if (response.status != kAccepted) {
    throw Error("API error (" + std::to_string(response.status) +
                "): " + trimmed_body(response.body));
  }
  auto job = decode_job_response("POST /job", response.body);
  console.out << submission_lines(job);
  if (!invocation.wait) return 0;

  console.out << "Waiting for completion..." << std::endl;
  auto started = Clock::now();
  ProgressLine progress(console.err, console.err_is_terminal);
  auto done = wait_for_job(client, job.id, wait, [&](const model::Job& current) {
    progress.show(progress_text(current, Clock::now() - started));
  });
  progress.clear();
  // The summary precedes the normative lines so that everything after `Job <id> <status>`
  // stays exactly the results JSON of §11.3.
  console.out << node_summary_table(done) << "\nJob " << done.id << " "
              << model::to_string(done.status) << "\n"
              << results_json(done) << "\n";
  return exit_code_for(done.status);
}

int cancel_job(const std::string& id, ApiClient& client, Console& console) {
  auto response = client.post("/job/" + id + "/cancel", "null");
  if (response.status != kOk) {
    throw Error("cancel failed (" + std::to_string(response.status) +
                "): " + trimmed_body(response.body));
  }
  console.out << "Job " << id << " cancelled\n";
  return 0;
}

}  // namespace

int execute(const Invocation& invocation, Console& console) {
  ApiClient client(invocation.api, ClientSecurity{invocation.token, invocation.ca});
  const Decoder<model::Job> job = [](const nlohmann::json& json) {
    return model::decode_job(json);
  };
  const Decoder<model::NodeInfo> node = [](const nlohmann::json& json) {
    return model::decode_node_info(json);
  };
  switch (invocation.command) {
    case Command::kJobRun:
      return run_job(invocation, client, console, WaitSettings{});
    case Command::kJobGet:
      return show_one<model::Job>(client, "/job/" + invocation.id, job, job_table,
                                  invocation.output, console);
    case Command::kJobList:
      return show_list<model::Job>(client, "/jobs", job, job_table, invocation.output, console);
    case Command::kJobCancel:
      return cancel_job(invocation.id, client, console);
    case Command::kNodeList:
      return show_list<model::NodeInfo>(client, "/nodes", node, node_table, invocation.output,
                                        console);
    case Command::kNodeInfo:
      return show_one<model::NodeInfo>(client, "/node/" + invocation.id, node, node_table,
                                       invocation.output, console);
    case Command::kStatus:
      console.out << get_body(client, "/status") << '\n';
      return 0;
  }
  throw Error("unknown command");
}

int run_gridc(const std::vector<std::string>& args, Console& console) {
  try {
    auto invocation = parse_command_line(args, console.out);
    if (!invocation) return 0;
    if (invocation->debug) spdlog::set_level(spdlog::level::debug);
    return execute(*invocation, console);
  } catch (const std::exception& e) {
    console.out << std::flush;
    console.err << "gridc: error: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace grid::cli
