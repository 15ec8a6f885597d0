// A real GRID cluster for multi-process tests: one `grid` controller with its managed
// nats-server and HTTP API on free loopback ports, plus `gridw` workers, all as child
// processes with temporary state. Owned by one test thread.
//
// The NATS client port is fixed at construction so that a restarted controller (same store
// directory, same configuration) serves the address the workers already know. Every process
// generation keeps its own log file, so the logs of a killed process stay readable.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace grid::test {

struct WorkerSpec {
  std::string name;
  std::vector<std::string> groups;
};

// The answer to one HTTP request; `status` 0 when the request did not get an answer.
struct HttpReply {
  int status = 0;
  nlohmann::json body;
};

class Cluster {
 public:
  // Starts the controller and waits until its API answers; throws grid::Error otherwise.
  // `controller_yaml` is appended to the generated controller config (e.g. "scheduler: ...");
  // `store` is the JetStream store directory (default: "store" in the temporary directory).
  explicit Cluster(const std::string& controller_yaml = "",
                   const std::filesystem::path& store = {});
  // SIGTERMs every process still running, then removes the temporary directory.
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Starts a worker (gridw -d) and waits until it logged that it is ready and GET /node/<name>
  // reports it online. `path_prefix`, when set, goes first on the worker's PATH (fake
  // programs for shell-out backends).
  ChildProcess& add_worker(const WorkerSpec& spec, const std::filesystem::path& path_prefix = {});
  // The current process of a worker added before.
  ChildProcess& worker(const std::string& name);
  // Sends `signum` to the worker and waits for it to exit; returns its exit status.
  std::optional<int> stop_worker(const std::string& name, int signum);
  // Starts a stopped worker again with the same configuration (and so the same durable
  // consumers) and waits as add_worker() does.
  ChildProcess& restart_worker(const std::string& name);
  // Everything every generation of this worker has logged, oldest first.
  std::string worker_log(const std::string& name) const;
  // How many times the worker's logs show it starting `job` step `step` ("running job …").
  int runs(const std::string& worker_name, const std::string& job, int step) const;

  // Sends `signum` to the controller, waits for it and for its managed nats-server to exit,
  // then starts `grid` again on the same configuration and store; waits until the API
  // answers. The API port may change (api_url() follows).
  void restart_controller(int signum);
  ChildProcess& controller() { return *controller_; }
  std::string controller_log() const;
  // Pid of the managed nats-server as last logged by the current controller.
  std::optional<pid_t> nats_server_pid() const;
  // Kills the managed nats-server with SIGKILL and waits up to `deadline` until the controller
  // runs a new one; returns the killed pid. Throws grid::Error (with the controller's log)
  // when there is no server to kill or no new one in time.
  pid_t kill_nats_server(std::chrono::milliseconds deadline);

  const std::string& api_url() const { return api_url_; }  // "http://127.0.0.1:<port>"
  const std::string& nats_url() const { return nats_url_; }
  const std::filesystem::path& dir() const { return dir_; }

  // HTTP against the current controller; bodies are JSON.
  HttpReply get(const std::string& path) const;
  HttpReply post(const std::string& path, const nlohmann::json& body) const;
  // POST /job; returns the job ID, or throws grid::Error unless the answer is 202.
  std::string submit(const nlohmann::json& request) const;
  // Long-polls GET /job/<id>?wait= until the job is terminal or `deadline` passes (then the
  // last seen job is returned). Survives controller restarts.
  nlohmann::json wait_terminal(const std::string& id, std::chrono::milliseconds deadline) const;

 private:
  struct Worker {
    WorkerSpec spec;
    std::filesystem::path path_prefix;
    std::filesystem::path config;
    std::vector<std::filesystem::path> logs;
    std::unique_ptr<ChildProcess> process;
  };

  void start_controller();
  ChildProcess& start_worker(Worker& worker);

  std::filesystem::path dir_;
  std::filesystem::path controller_config_;
  std::vector<std::filesystem::path> controller_logs_;
  std::unique_ptr<ChildProcess> controller_;
  std::map<std::string, Worker> workers_;
  std::string api_url_;
  std::string nats_url_;
};

// True when `status` is terminal (§3.10).
bool is_terminal(const std::string& status);

// HTTP against the API at `api_url` ("http://127.0.0.1:<port>"); bodies are JSON. For tests
// with more than one controller (Cluster's own get() and post() use them too).
HttpReply http_get(const std::string& api_url, const std::string& path);
HttpReply http_post(const std::string& api_url, const std::string& path,
                    const nlohmann::json& body);

// How many times `worker_log` (gridw -d) shows the worker starting `job` step `step`.
int count_runs(const std::string& worker_log, const std::string& job, int step);

}  // namespace grid::test
