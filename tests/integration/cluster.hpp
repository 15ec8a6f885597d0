// A real GRID cluster for multi-process tests: one `grid` controller with its managed
// nats-server and HTTP API on free loopback ports, plus `gridw` workers, all as child
// processes with temporary state. Owned by one test.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace grid::test {

struct WorkerSpec {
  std::string name;
  std::vector<std::string> groups;
};

class Cluster {
 public:
  // Starts the controller and waits until its API answers; throws grid::Error otherwise.
  // `controller_yaml` is appended to the generated controller config (e.g. "scheduler: ...").
  explicit Cluster(const std::string& controller_yaml = "");
  // SIGTERMs every process still running, then removes the temporary directory.
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Starts a worker and waits until GET /node/<name> reports it online.
  ChildProcess& add_worker(const WorkerSpec& spec);

  ChildProcess& controller() { return *controller_; }
  const std::string& api_url() const { return api_url_; }  // "http://127.0.0.1:<port>"
  const std::string& nats_url() const { return nats_url_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<ChildProcess> controller_;
  std::vector<std::unique_ptr<ChildProcess>> workers_;
  std::string api_url_;
  std::string nats_url_;
};

}  // namespace grid::test
