// Test support: a real nats-server per test, and condition polling with deadlines.
// Tests never sleep-and-hope: they wait for an observable condition with wait_for().
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace grid::natsd {
class ManagedServer;
}

namespace grid::test {

// Starts a real nats-server with JetStream through the managed-server code (natsd) on a
// free loopback port with a fresh temporary store directory; on destruction stops the server
// and removes the directory. Throws grid::Error when the server cannot start.
// Not thread-safe; owned by one test.
class TestEnv {
 public:
  TestEnv();
  ~TestEnv();
  TestEnv(const TestEnv&) = delete;
  TestEnv& operator=(const TestEnv&) = delete;

  std::string client_url() const;      // "nats://127.0.0.1:<port>"
  std::string monitoring_url() const;  // "http://127.0.0.1:<port>"
  const std::filesystem::path& store_dir() const;
  natsd::ManagedServer& server();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A fresh directory under the system temp dir named "<prefix>.XXXXXX"; removed by the
// caller (TestEnv removes its own).
std::filesystem::path make_temp_dir(const std::string& prefix);

// Polls `condition` every 5 ms until it returns true or `deadline` has elapsed; returns
// whether it became true. Deadlines are generous: tests run on loaded 2-core machines.
bool wait_for(const std::function<bool()>& condition,
              std::chrono::milliseconds deadline = std::chrono::seconds(20));

}  // namespace grid::test
