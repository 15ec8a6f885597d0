#include "cluster.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "grid/common/error.hpp"
#include "test_env.hpp"

namespace grid::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartDeadline = 30s;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A loopback TCP port that was free a moment ago (the kernel's choice for port 0).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw Error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string log_name(const std::string& base, std::size_t generation) {
  return generation == 0 ? base + ".log" : base + "." + std::to_string(generation + 1) + ".log";
}

HttpReply reply_of(const httplib::Result& res) {
  HttpReply reply;
  if (!res) return reply;
  reply.status = res->status;
  reply.body = nlohmann::json::parse(res->body, nullptr, false);
  return reply;
}

}  // namespace

bool is_terminal(const std::string& status) {
  return status == "completed" || status == "failed" || status == "cancelled";
}

Cluster::Cluster(const std::string& controller_yaml, const std::filesystem::path& store)
    : dir_(make_temp_dir("grid-cluster")) {
  controller_config_ = dir_ / "grid.yaml";
  std::ofstream(controller_config_)
      << "nats:\n  name: ctrl-test\n  server: {host: 127.0.0.1, port: " << free_port() << "}\n"
      << "  jetstream: {store: " << (store.empty() ? dir_ / "store" : store).string() << "}\n"
      << "api: {host: 127.0.0.1, port: 0}\n"
      << controller_yaml;
  start_controller();
}

Cluster::~Cluster() {
  for (auto& [name, worker] : workers_) {
    worker.process->signal(SIGCONT);  // a test may have left it stopped
    worker.process->signal(SIGTERM);
  }
  for (auto& [name, worker] : workers_) worker.process->wait_exit(kStartDeadline);
  controller_->signal(SIGTERM);
  controller_->wait_exit(kStartDeadline);
  if (std::getenv("GRID_KEEP_CLUSTER") != nullptr) return;  // logs for post-mortems
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void Cluster::start_controller() {
  controller_logs_.push_back(dir_ / log_name("grid", controller_logs_.size()));
  controller_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary("grid").string(), "-c", controller_config_.string()},
      controller_logs_.back());
  nats_url_ = controller_->wait_for_output(std::regex(R"(nats-server ready at (nats://\S+))"),
                                           kStartDeadline);
  api_url_ =
      "http://127.0.0.1:" + controller_->wait_for_output(
                                std::regex(R"(API listening on http://\S+:(\d+))"), kStartDeadline);
}

void Cluster::restart_controller(int signum) {
  const auto server = nats_server_pid();
  controller_->signal(signum);
  if (!controller_->wait_exit(kStartDeadline)) throw Error("grid did not exit");
  // The managed server dies with its parent (PR_SET_PDEATHSIG); its port must be free again.
  if (server && !wait_for([&] { return !process_alive(*server); }, kStartDeadline)) {
    throw Error("the managed nats-server outlived the controller");
  }
  start_controller();
}

std::string Cluster::controller_log() const {
  std::string text;
  for (const auto& log : controller_logs_) text += read_file(log);
  return text;
}

std::optional<pid_t> Cluster::nats_server_pid() const {
  static const std::regex pid_line(R"(nats-server (?:ready at \S+ \(pid|restarted \(pid) (\d+))");
  const std::string text = read_file(controller_logs_.back());
  std::optional<pid_t> last;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pid_line);
       it != std::sregex_iterator(); ++it) {
    last = static_cast<pid_t>(std::stoi((*it)[1]));
  }
  return last;
}

pid_t Cluster::kill_nats_server(std::chrono::milliseconds deadline) {
  const auto server = nats_server_pid();
  if (!server) throw Error("no managed nats-server in the controller's log:\n" + controller_log());
  if (::kill(*server, SIGKILL) != 0) throw Error("kill -9 of nats-server failed");
  const bool restarted = wait_for(
      [&] {
        const auto now = nats_server_pid();
        return now && *now != *server && process_alive(*now);
      },
      deadline);
  if (!restarted) throw Error("the controller did not restart nats-server:\n" + controller_log());
  return *server;
}

ChildProcess& Cluster::add_worker(const WorkerSpec& spec,
                                  const std::filesystem::path& path_prefix) {
  if (workers_.count(spec.name) != 0) throw Error("worker " + spec.name + " exists already");
  Worker& worker = workers_[spec.name];
  worker.spec = spec;
  worker.path_prefix = path_prefix;
  worker.config = dir_ / (spec.name + ".yaml");
  std::ofstream out(worker.config);
  out << "nats:\n  name: " << spec.name << "\n  client: {urls: [\"" << nats_url_ << "\"]}\n"
      << "worker:\n  heartbeat_interval: 1s\n  groups: [";
  for (std::size_t i = 0; i < spec.groups.size(); ++i) out << (i ? ", " : "") << spec.groups[i];
  out << "]\n";
  out.close();
  return start_worker(worker);
}

ChildProcess& Cluster::start_worker(Worker& worker) {
  const auto& spec = worker.spec;
  std::vector<std::string> argv;
  if (!worker.path_prefix.empty()) {
    const char* path = std::getenv("PATH");
    argv = {"/usr/bin/env", "PATH=" + worker.path_prefix.string() + ":" + (path ? path : "")};
  }
  for (const auto& arg :
       {binary("gridw").string(), std::string("-d"), std::string("-c"), worker.config.string()}) {
    argv.push_back(arg);
  }
  worker.logs.push_back(dir_ / log_name(spec.name, worker.logs.size()));
  worker.process = std::make_unique<ChildProcess>(argv, worker.logs.back());
  worker.process->wait_for_output(std::regex("(worker " + spec.name + " ready)"), kStartDeadline);
  bool online = wait_for(
      [&] {
        auto node = get("/node/" + spec.name);
        return node.status == 200 && node.body.is_object() &&
               node.body.value("status", "") == "online";
      },
      kStartDeadline);
  if (!online) {
    throw Error("worker " + spec.name + " did not come online:\n" + worker.process->output());
  }
  return *worker.process;
}

ChildProcess& Cluster::worker(const std::string& name) {
  return *workers_.at(name).process;
}

std::optional<int> Cluster::stop_worker(const std::string& name, int signum) {
  auto& process = *workers_.at(name).process;
  process.signal(signum);
  return process.wait_exit(kStartDeadline);
}

ChildProcess& Cluster::restart_worker(const std::string& name) {
  Worker& worker = workers_.at(name);
  if (!worker.process->wait_exit(0ms)) throw Error("worker " + name + " is still running");
  return start_worker(worker);
}

std::string Cluster::worker_log(const std::string& name) const {
  std::string text;
  for (const auto& log : workers_.at(name).logs) text += read_file(log);
  return text;
}

int Cluster::runs(const std::string& worker_name, const std::string& job, int step) const {
  return count_runs(worker_log(worker_name), job, step);
}

int count_runs(const std::string& worker_log, const std::string& job, int step) {
  const std::string needle = "running job " + job + " step " + std::to_string(step) + " (";
  int count = 0;
  for (auto at = worker_log.find(needle); at != std::string::npos;
       at = worker_log.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

HttpReply Cluster::get(const std::string& path) const {
  return http_get(api_url_, path);
}

HttpReply Cluster::post(const std::string& path, const nlohmann::json& body) const {
  return http_post(api_url_, path, body);
}

HttpReply http_get(const std::string& api_url, const std::string& path) {
  httplib::Client client(api_url);
  client.set_connection_timeout(5s);
  client.set_read_timeout(10s);
  return reply_of(client.Get(path));
}

HttpReply http_post(const std::string& api_url, const std::string& path,
                    const nlohmann::json& body) {
  httplib::Client client(api_url);
  client.set_connection_timeout(5s);
  client.set_read_timeout(10s);
  return reply_of(client.Post(path, body.dump(), "application/json"));
}

std::string Cluster::submit(const nlohmann::json& request) const {
  auto reply = post("/job", request);
  if (reply.status != 202 || !reply.body.is_object() || !reply.body.contains("id")) {
    throw Error("POST /job answered " + std::to_string(reply.status) + ": " + reply.body.dump() +
                " for " + request.dump());
  }
  return reply.body["id"].get<std::string>();
}

nlohmann::json Cluster::wait_terminal(const std::string& id,
                                      std::chrono::milliseconds deadline) const {
  nlohmann::json job;
  wait_for(
      [&] {
        // Long-poll in slices so that a restarted controller (new API port) is followed.
        httplib::Client client(api_url_);
        client.set_connection_timeout(2s);
        client.set_read_timeout(10s);
        auto res = client.Get("/job/" + id + "?wait=3s");
        if (!res || res->status != 200) return false;
        auto body = nlohmann::json::parse(res->body, nullptr, false);
        if (body.is_discarded()) return false;
        job = std::move(body);
        return is_terminal(job.value("status", ""));
      },
      deadline);
  return job;
}

}  // namespace grid::test
