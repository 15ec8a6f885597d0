// The backends a worker offers, by name (SPEC §9.1). Built once at start-up with every backend
// listed explicitly in builtin_registry(); the worker looks commands' backends up with find()
// and reports names() in its NodeInfo. Not thread-safe to modify; concurrent find()/names()
// on an unchanging registry are safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "grid/backends/backend.hpp"

namespace grid::backends {

class Registry {
 public:
  // Adds `backend`, replacing one registered under the same name.
  void add(std::unique_ptr<Backend> backend);

  // The backend named `name`, or nullptr when there is none. The registry keeps ownership.
  Backend* find(std::string_view name);
  const Backend* find(std::string_view name) const;

  // Every backend name, sorted.
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Backend>> backends_;
};

// The built-in backends: apt, systemd, rke2, ping, test.
Registry builtin_registry();

}  // namespace grid::backends
