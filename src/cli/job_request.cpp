#include "grid/cli/job_request.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "grid/cli/target_arg.hpp"
#include "grid/common/error.hpp"
#include "grid/model/job_file.hpp"

namespace grid::cli {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("reading job file: open " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error("reading job file: read " + path + ": " + std::strerror(errno));
  return text.str();
}

model::JobRequest from_file(const std::string& path) {
  auto text = read_file(path);
  try {
    return model::parse_job_file(text);
  } catch (const Error& e) {
    throw Error(std::string("parsing job file: ") + e.what());
  }
}

model::JobRequest inline_request(const std::vector<std::string>& positionals) {
  if (positionals.size() < 2) throw Error("provide backend and action, or use -f for a job file");
  model::Phase leaf;
  leaf.backend = positionals[0];
  leaf.action = positionals[1];
  leaf.params = parse_params({positionals.begin() + 2, positionals.end()});
  model::JobRequest request;
  request.target = {"all", ""};
  request.tasks.push_back(std::move(leaf));
  return request;
}

}  // namespace

model::JobRequest build_job_request(const RunArgs& args) {
  if (!args.file.empty() && !args.positionals.empty()) {
    throw Error("use either -f or backend and action, not both");
  }
  // The target is checked first so that a typo is reported before any file is read.
  std::optional<model::Target> target;
  if (args.target) target = parse_target(*args.target);
  auto request = args.file.empty() ? inline_request(args.positionals) : from_file(args.file);
  if (target) request.target = *target;
  if (!args.strategy.empty()) request.strategy = args.strategy;
  if (request.strategy.empty()) request.strategy = kDefaultStrategy;
  if (!args.timeout.empty()) request.timeout = args.timeout;
  return request;
}

model::OrderedJson encode_job_request(const model::JobRequest& request) {
  model::OrderedJson body;
  body["target"] = model::encode(request.target);
  body["tasks"] = model::OrderedJson::array();
  for (const auto& phase : request.tasks) body["tasks"].push_back(model::encode(phase));
  body["strategy"] = request.strategy;
  if (!request.timeout.empty()) body["timeout"] = request.timeout;
  return body;
}

}  // namespace grid::cli
