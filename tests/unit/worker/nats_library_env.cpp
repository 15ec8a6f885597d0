// nats.c's global state for the whole test program: opened first (command tests build
// messages without any connection, and nats.c only opens itself on connect), released after
// the last test so LeakSanitizer stays quiet (every test runs in its own process).
#include <gtest/gtest.h>
#include <nats/nats.h>

#include "grid/bus/connection.hpp"

namespace {

class NatsLibrary : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(nats_Open(-1), NATS_OK); }
  void TearDown() override { grid::bus::shutdown_nats_library(std::chrono::seconds(10)); }
};

[[maybe_unused]] ::testing::Environment* const kNatsLibrary =
    ::testing::AddGlobalTestEnvironment(new NatsLibrary);

}  // namespace
