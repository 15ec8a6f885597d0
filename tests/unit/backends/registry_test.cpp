#include "grid/backends/registry.hpp"

#include <gtest/gtest.h>

#include "grid/backends/ping.hpp"

namespace grid::backends {
namespace {

TEST(RegistryTest, BuiltinBackendsAreListedSorted) {
  const Registry registry = builtin_registry();
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"apt", "ping", "rke2", "systemd", "test"}));
}

TEST(RegistryTest, FindByName) {
  Registry registry = builtin_registry();
  Backend* ping = registry.find("ping");
  ASSERT_NE(ping, nullptr);
  EXPECT_EQ(ping->name(), "ping");
  RunContext ctx({"job", 0, "node"}, std::nullopt);
  EXPECT_EQ(ping->run("echo", {}, ctx).output, "pong");
  EXPECT_EQ(registry.find("nope"), nullptr);
  const Registry& constant = registry;
  EXPECT_EQ(constant.find("test")->name(), "test");
}

TEST(RegistryTest, AddReplacesTheSameName) {
  Registry registry;
  registry.add(std::make_unique<PingBackend>());
  registry.add(std::make_unique<PingBackend>());
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"ping"}));
}

}  // namespace
}  // namespace grid::backends
