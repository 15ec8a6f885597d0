#include "grid/bus/connection.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "bus_fixture.hpp"
#include "grid/bus/error.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/natsd/managed_server.hpp"

namespace grid::bus {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Nothing listens on port 1 of the loopback interface: connections are refused at once.
constexpr const char* kDeadUrl = "nats://127.0.0.1:1";

TEST(Connection, ConnectsAndReportsUrl) {
  test::TestEnv env;
  Connection connection(test_connection_options(env.client_url()));
  EXPECT_TRUE(connection.connected());
  EXPECT_TRUE(connection.wait_connected(1s));
  EXPECT_FALSE(connection.connected_url().empty());
  EXPECT_NO_THROW(connection.flush(5s));
}

TEST(Connection, CoreSubscriberlessPublishSucceeds) {
  test::TestEnv env;
  Connection connection(test_connection_options(env.client_url()));
  EXPECT_NO_THROW(connection.publish("nobody.listens", "x"));
  EXPECT_NO_THROW(connection.flush(5s));
}

TEST(Connection, DeadUrlWithoutRetryFailsWithStatusText) {
  auto options = test_connection_options(kDeadUrl);
  options.retry_on_failed_connect = false;
  try {
    Connection connection(options);
    FAIL() << "connected to a dead URL";
  } catch (const NatsError& e) {
    EXPECT_EQ(e.status(), NATS_NO_SERVER);
    const std::string what = e.what();
    EXPECT_NE(what.find("connecting to NATS at nats://127.0.0.1:1"), std::string::npos) << what;
    EXPECT_NE(what.find(natsStatus_GetText(NATS_NO_SERVER)), std::string::npos) << what;
  }
}

TEST(Connection, DeadUrlWithRetryReturnsAndRequestsTimeOut) {
  auto options = test_connection_options(kDeadUrl);
  const auto start = Clock::now();
  Connection connection(options);
  EXPECT_LT(Clock::now() - start, 10s);
  EXPECT_FALSE(connection.connected());
  EXPECT_FALSE(connection.wait_connected(200ms));

  JetStream js(connection, JetStreamOptions{.timeout = 500ms, .on_async_publish_error = {}});
  const auto request_start = Clock::now();
  try {
    js.stream_info("commands");
    FAIL() << "request succeeded without a server";
  } catch (const NatsError& e) {
    EXPECT_TRUE(e.is_timeout()) << e.what();
  }
  EXPECT_LT(Clock::now() - request_start, 10s);
}

TEST(Connection, ReportsDisconnectAndReconnect) {
  test::TestEnv env;
  std::mutex mutex;
  std::vector<ConnectionEvent> events;
  auto options = test_connection_options(env.client_url());
  options.reconnect_wait = 100ms;
  options.on_event = [&](ConnectionEvent event) {
    std::lock_guard lock(mutex);
    events.push_back(event);
  };
  auto has = [&](ConnectionEvent wanted) {
    std::lock_guard lock(mutex);
    return std::find(events.begin(), events.end(), wanted) != events.end();
  };
  Connection connection(options);
  // The managed server's supervision relaunches a killed server on the same port.
  ASSERT_EQ(::kill(env.server().pid(), SIGKILL), 0);
  EXPECT_TRUE(test::wait_for([&] { return has(ConnectionEvent::disconnected); }));
  EXPECT_TRUE(test::wait_for([&] { return has(ConnectionEvent::reconnected); }, 60s));
  EXPECT_TRUE(connection.connected());
  connection.close();
  EXPECT_TRUE(test::wait_for([&] { return has(ConnectionEvent::closed); }));
}

TEST(Connection, DrainClosesTheConnection) {
  test::TestEnv env;
  Connection connection(test_connection_options(env.client_url()));
  connection.drain(10s);
  EXPECT_FALSE(connection.connected());
  EXPECT_THROW(connection.publish("a.b", "x"), NatsError);
}

}  // namespace
}  // namespace grid::bus
