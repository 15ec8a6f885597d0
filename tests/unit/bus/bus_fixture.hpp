// A real nats-server with one connection and JetStream context per test.
#pragma once

#include <gtest/gtest.h>

#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "test_env.hpp"

namespace grid::bus {

inline ConnectionOptions test_connection_options(const std::string& url) {
  ConnectionOptions options;
  options.urls = {url};
  options.name = "bus-test";
  return options;
}

class BusTest : public ::testing::Test {
 protected:
  test::TestEnv env;
  Connection connection{test_connection_options(env.client_url())};
  JetStream js{connection};
};

}  // namespace grid::bus
