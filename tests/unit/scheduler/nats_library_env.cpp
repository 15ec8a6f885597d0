// Releases nats.c's global threads and memory after the last test so LeakSanitizer stays
// quiet (every test runs in its own process).
#include <gtest/gtest.h>

#include "grid/bus/connection.hpp"

namespace {

class NatsLibrary : public ::testing::Environment {
 public:
  void TearDown() override { grid::bus::shutdown_nats_library(std::chrono::seconds(10)); }
};

[[maybe_unused]] ::testing::Environment* const kNatsLibrary =
    ::testing::AddGlobalTestEnvironment(new NatsLibrary);

}  // namespace
