#include "grid/backends/registry.hpp"

#include <algorithm>

#include "grid/backends/apt.hpp"
#include "grid/backends/ping.hpp"
#include "grid/backends/rke2.hpp"
#include "grid/backends/systemd.hpp"
#include "grid/backends/test_backend.hpp"

namespace grid::backends {

void Registry::add(std::unique_ptr<Backend> backend) {
  const auto same_name = [&](const auto& b) { return b->name() == backend->name(); };
  std::erase_if(backends_, same_name);
  backends_.push_back(std::move(backend));
}

Backend* Registry::find(std::string_view name) {
  const auto it = std::find_if(backends_.begin(), backends_.end(),
                               [&](const auto& b) { return b->name() == name; });
  return it == backends_.end() ? nullptr : it->get();
}

const Backend* Registry::find(std::string_view name) const {
  return const_cast<Registry*>(this)->find(name);
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> result;
  for (const auto& b : backends_) result.emplace_back(b->name());
  std::sort(result.begin(), result.end());
  return result;
}

Registry builtin_registry() {
  Registry registry;
  registry.add(std::make_unique<AptBackend>());
  registry.add(std::make_unique<SystemdBackend>());
  registry.add(std::make_unique<Rke2Backend>());
  registry.add(std::make_unique<PingBackend>());
  registry.add(std::make_unique<TestBackend>());
  return registry;
}

}  // namespace grid::backends
