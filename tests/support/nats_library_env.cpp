// nats.c's global state for a whole test program: opened before the first test (some tests
// build messages without any connection, and nats.c only opens itself on connect), released
// after the last one so LeakSanitizer stays quiet. Linked as an object library so that the
// registration below is never dropped by the linker.
#include <gtest/gtest.h>

#include "grid/bus/connection.hpp"

namespace {

class NatsLibrary : public ::testing::Environment {
 public:
  void SetUp() override { grid::bus::open_nats_library(); }
  void TearDown() override { grid::bus::shutdown_nats_library(std::chrono::seconds(10)); }
};

[[maybe_unused]] ::testing::Environment* const kNatsLibrary =
    ::testing::AddGlobalTestEnvironment(new NatsLibrary);

}  // namespace
