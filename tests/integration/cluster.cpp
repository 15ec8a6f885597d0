#include "cluster.hpp"

#include <httplib.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "grid/common/error.hpp"
#include "test_env.hpp"

namespace grid::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartDeadline = 30s;

// The first capture of `pattern` in the process output, once it appears.
std::string wait_for_output(ChildProcess& process, const std::regex& pattern) {
  std::smatch match;
  std::string output;
  bool found = wait_for(
      [&] {
        output = process.output();
        return std::regex_search(output, match, pattern);
      },
      kStartDeadline);
  if (!found) throw Error("process did not log the expected line; output:\n" + output);
  return match[1];
}

}  // namespace

Cluster::Cluster(const std::string& controller_yaml) : dir_(make_temp_dir("grid-cluster")) {
  auto config = dir_ / "grid.yaml";
  std::ofstream(config) << "nats:\n  name: ctrl-test\n  server: {host: 127.0.0.1, port: -1}\n"
                        << "  jetstream: {store: " << (dir_ / "store").string() << "}\n"
                        << "api: {host: 127.0.0.1, port: 0}\n"
                        << controller_yaml;
  controller_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary("grid").string(), "-c", config.string()}, dir_ / "grid.log");
  nats_url_ = wait_for_output(*controller_, std::regex(R"(nats-server ready at (nats://\S+))"));
  api_url_ = "http://127.0.0.1:" +
             wait_for_output(*controller_, std::regex(R"(API listening on http://\S+:(\d+))"));
}

Cluster::~Cluster() {
  for (auto& worker : workers_) worker->signal(SIGTERM);
  for (auto& worker : workers_) worker->wait_exit(kStartDeadline);
  controller_->signal(SIGTERM);
  controller_->wait_exit(kStartDeadline);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

ChildProcess& Cluster::add_worker(const WorkerSpec& spec) {
  auto config = dir_ / (spec.name + ".yaml");
  std::ofstream out(config);
  out << "nats:\n  name: " << spec.name << "\n  client: {urls: [\"" << nats_url_ << "\"]}\n"
      << "worker:\n  heartbeat_interval: 1s\n  groups: [";
  for (std::size_t i = 0; i < spec.groups.size(); ++i) out << (i ? ", " : "") << spec.groups[i];
  out << "]\n";
  out.close();
  workers_.push_back(std::make_unique<ChildProcess>(
      std::vector<std::string>{binary("gridw").string(), "-c", config.string()},
      dir_ / (spec.name + ".log")));
  httplib::Client client(api_url_);
  bool online = wait_for(
      [&] {
        auto res = client.Get("/node/" + spec.name);
        if (!res || res->status != 200) return false;
        auto node = nlohmann::json::parse(res->body, nullptr, false);
        return !node.is_discarded() && node.value("status", "") == "online";
      },
      kStartDeadline);
  if (!online)
    throw Error("worker " + spec.name + " did not come online:\n" + workers_.back()->output());
  return *workers_.back();
}

}  // namespace grid::test
