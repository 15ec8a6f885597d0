#include "test_env.hpp"

#include <stdlib.h>

#include <thread>

#include "grid/common/error.hpp"
#include "grid/natsd/managed_server.hpp"

namespace grid::test {

struct TestEnv::Impl {
  std::filesystem::path store = make_temp_dir("grid-test");
  natsd::ManagedServer server{options(store)};

  static natsd::ServerOptions options(const std::filesystem::path& store) {
    natsd::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = -1;
    o.store_dir = store.string();
    return o;
  }

  ~Impl() {
    server.stop();
    std::error_code ignored;
    std::filesystem::remove_all(store, ignored);
  }
};

TestEnv::TestEnv() : impl_(std::make_unique<Impl>()) {
  impl_->server.start();
}

TestEnv::~TestEnv() = default;

std::string TestEnv::client_url() const {
  return impl_->server.client_url();
}

std::string TestEnv::monitoring_url() const {
  return impl_->server.monitoring_url();
}

const std::filesystem::path& TestEnv::store_dir() const {
  return impl_->store;
}

natsd::ManagedServer& TestEnv::server() {
  return impl_->server;
}

std::filesystem::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error("cannot create a temporary directory from " + pattern);
  }
  return pattern;
}

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace grid::test
