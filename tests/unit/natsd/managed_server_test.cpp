#include "grid/natsd/managed_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <thread>

#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/common/error.hpp"
#include "test_env.hpp"

namespace grid::natsd {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::wait_for;

struct NatsConnectionDeleter {
  void operator()(natsConnection* c) const { natsConnection_Destroy(c); }
};
using Connection = std::unique_ptr<natsConnection, NatsConnectionDeleter>;

// A nats.c client that reconnects quickly and forever.
Connection connect(const std::string& url) {
  natsOptions* opts = nullptr;
  EXPECT_EQ(natsOptions_Create(&opts), NATS_OK);
  natsOptions_SetURL(opts, url.c_str());
  natsOptions_SetMaxReconnect(opts, -1);
  natsOptions_SetReconnectWait(opts, 50);
  natsConnection* conn = nullptr;
  natsStatus s = natsConnection_Connect(&conn, opts);
  natsOptions_Destroy(opts);
  EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
  return Connection(conn);
}

bool healthz_ok(const std::string& monitoring_url) {
  httplib::Client client(monitoring_url);
  client.set_connection_timeout(2s);
  client.set_read_timeout(2s);
  auto res = client.Get("/healthz?js-enabled-only=true");
  return res && res->status == 200;
}

bool process_gone(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  return close != std::string::npos && line.substr(close + 2, 1) == "Z";  // orphaned zombie
}

// Processes whose parent is this test process.
std::vector<int> children_of_ours() {
  std::vector<int> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == ::getpid()) found.push_back(std::stoi(name));
  }
  return found;
}

std::vector<fs::path> ports_files(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".ports") found.push_back(entry.path());
  }
  return found;
}

// Makes the default logger record every line ("<level> <message>", trace and up) until
// destroyed; declare it before the servers whose threads log.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    sink_->set_pattern("%l %v");
    auto capture = std::make_shared<spdlog::logger>("capture", sink_);
    capture->set_level(spdlog::level::trace);
    spdlog::set_default_logger(capture);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> lines() const { return sink_->last_formatted(); }
  int count(std::string_view prefix) const {
    int n = 0;
    for (const auto& line : lines()) n += line.starts_with(prefix) ? 1 : 0;
    return n;
  }
  std::string text() const {
    std::string all;
    for (const auto& line : lines()) all += line + "\n";
    return all;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(5000);
  std::shared_ptr<spdlog::logger> previous_;
};

// Publishes small messages to a file-backed stream as fast as the server acknowledges them,
// on its own thread, until destroyed: a busy server for the watchdog to leave alone. A publish
// that fails (e.g. no ack within 5 s on a very slow machine) is counted, not fatal.
class JetStreamLoad {
 public:
  explicit JetStreamLoad(const std::string& url) {
    bus::ConnectionOptions options;
    options.urls = {url};
    options.name = "load";
    connection_.emplace(options);
    js_.emplace(*connection_);
    js_->ensure_stream({.name = "LOAD", .subjects = {"load.>"}});
    thread_ = std::thread([this] {
      const std::string payload(256, 'x');
      while (!done_) {
        try {
          js_->publish("load.x", payload);
          ++published_;
        } catch (const Error&) {
          ++failed_;
        }
      }
    });
  }
  ~JetStreamLoad() {
    done_ = true;
    thread_.join();
  }
  JetStreamLoad(const JetStreamLoad&) = delete;
  JetStreamLoad& operator=(const JetStreamLoad&) = delete;

  int published() const { return published_; }
  int failed() const { return failed_; }

 private:
  std::optional<bus::Connection> connection_;
  std::optional<bus::JetStream> js_;
  std::atomic<bool> done_{false};
  std::atomic<int> published_{0};
  std::atomic<int> failed_{0};
  std::thread thread_;
};

ServerOptions loopback_options(const fs::path& store, int port = -1) {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.store_dir = store.string();
  return o;
}

// Owns a temporary store directory for tests that build their own ManagedServer.
class ManagedServerTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(store_); }
  fs::path store_ = test::make_temp_dir("grid-natsd");
};

TEST(ManagedServer, StartsAndAnswers) {
  const auto began = std::chrono::steady_clock::now();
  test::TestEnv env;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - began)
                      .count();
  std::cout << "managed nats-server start-up: " << ms << " ms\n";
  RecordProperty("startup_ms", std::to_string(ms));

  EXPECT_TRUE(env.client_url().starts_with("nats://127.0.0.1:")) << env.client_url();
  EXPECT_TRUE(env.monitoring_url().starts_with("http://127.0.0.1:")) << env.monitoring_url();
  EXPECT_GT(env.server().pid(), 0);
  EXPECT_EQ(env.server().restart_count(), 0);

  Connection conn = connect(env.client_url());
  ASSERT_TRUE(conn);
  EXPECT_EQ(natsConnection_FlushTimeout(conn.get(), 5000), NATS_OK);
  EXPECT_TRUE(healthz_ok(env.monitoring_url()));

  const std::string ports_file = "nats-server_" + std::to_string(env.server().pid()) + ".ports";
  EXPECT_TRUE(fs::exists(env.store_dir() / ports_file));
  struct stat st {};
  ASSERT_EQ(::stat(env.server().config_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // The random port learned at start is pinned in the configuration for restarts.
  std::ifstream config(env.server().config_path());
  std::stringstream text;
  text << config.rdbuf();
  const std::string port = env.client_url().substr(env.client_url().rfind(':') + 1);
  EXPECT_NE(text.str().find("port: " + port + "\n"), std::string::npos) << text.str();
}

TEST(ManagedServer, RestartsOnTheSamePortAfterKill9) {
  test::TestEnv env;
  ManagedServer& server = env.server();
  const std::string url = env.client_url();
  Connection conn = connect(url);
  ASSERT_TRUE(conn);
  const int first_pid = server.pid();

  ASSERT_EQ(::kill(first_pid, SIGKILL), 0);
  ASSERT_TRUE(wait_for([&] { return server.restart_count() == 1 && server.pid() > 0; }));
  EXPECT_NE(server.pid(), first_pid);
  EXPECT_EQ(server.client_url(), url);

  // The client reconnects by itself to the same address.
  EXPECT_TRUE(wait_for([&] {
    return natsConnection_Status(conn.get()) == NATS_CONN_STATUS_CONNECTED &&
           natsConnection_FlushTimeout(conn.get(), 1000) == NATS_OK;
  }));
  EXPECT_TRUE(wait_for([&] { return healthz_ok(env.monitoring_url()); }));
  EXPECT_FALSE(
      fs::exists(env.store_dir() / ("nats-server_" + std::to_string(first_pid) + ".ports")));
}

// Restart delays: 1 s after the first crash, then doubled (2 s) after a crash without 60 s of
// healthy uptime.
TEST(ManagedServer, BacksOffBetweenQuickRestarts) {
  test::TestEnv env;
  ManagedServer& server = env.server();
  for (int round = 1; round <= 2; ++round) {
    const int pid = server.pid();
    const auto killed = std::chrono::steady_clock::now();
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    ASSERT_TRUE(wait_for([&] { return server.restart_count() == round && server.pid() > 0; }));
    const auto waited = std::chrono::steady_clock::now() - killed;
    EXPECT_GE(waited, std::chrono::milliseconds(1000 * round - 50)) << "round " << round;
  }
  EXPECT_TRUE(wait_for([&] { return healthz_ok(env.monitoring_url()); }));
}

TEST_F(ManagedServerTest, StopLeavesNothingBehind) {
  ManagedServer server(loopback_options(store_));
  server.start();
  const int pid = server.pid();
  ASSERT_GT(pid, 0);
  EXPECT_EQ(ports_files(store_).size(), 1u);
  // Own process group (setsid).
  EXPECT_EQ(::getpgid(pid), pid);

  server.stop();
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(pid)));
  EXPECT_TRUE(children_of_ours().empty());
  EXPECT_TRUE(ports_files(store_).empty());
  EXPECT_EQ(server.pid(), 0);
  EXPECT_EQ(server.client_url(), "");
  server.stop();  // idempotent
}

TEST_F(ManagedServerTest, PortInUseFailsWithTheServersError) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);

  LogCapture log;
  ManagedServer server(loopback_options(store_, ntohs(addr.sin_port)));
  std::string message;
  try {
    server.start();
  } catch (const Error& e) {
    message = e.what();
  }
  ::close(listener);

  EXPECT_TRUE(message.starts_with("NATS server not ready: nats-server exited with status 1"))
      << message;
  EXPECT_NE(message.find("address already in use"), std::string::npos) << message;
  EXPECT_EQ(server.pid(), 0);
  EXPECT_TRUE(children_of_ours().empty());

  bool forwarded_error = false;
  bool forwarded_debug = false;
  for (const auto& line : log.lines()) {
    forwarded_error |=
        line.starts_with("error nats-server: [") && line.find("[FTL]") != std::string::npos;
    forwarded_debug |=
        line.starts_with("debug nats-server: [") && line.find("[INF]") != std::string::npos;
  }
  EXPECT_TRUE(forwarded_error);
  EXPECT_TRUE(forwarded_debug);
}

// A SIGSTOPped server stands in for one wedged by a full store: it accepts connections but
// answers nothing. With short watchdog settings it is killed and relaunched.
TEST_F(ManagedServerTest, WatchdogRestartsAStalledServer) {
  LogCapture log;
  ServerOptions options = loopback_options(store_);
  options.watchdog = {.interval = 100ms, .timeout = 500ms, .failures = 3};
  ManagedServer server(options);
  server.start();
  const int stalled = server.pid();
  const std::string url = server.client_url();

  ASSERT_EQ(::kill(stalled, SIGSTOP), 0);
  ASSERT_TRUE(wait_for([&] { return server.restart_count() == 1 && server.pid() > 0; }, 60s))
      << log.text();
  EXPECT_NE(server.pid(), stalled);
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(stalled)));  // killed and reaped
  EXPECT_EQ(server.client_url(), url);
  EXPECT_TRUE(wait_for([&] { return healthz_ok(server.monitoring_url()); }));
  Connection conn = connect(url);
  ASSERT_TRUE(conn);
  EXPECT_EQ(natsConnection_FlushTimeout(conn.get(), 5000), NATS_OK);

  const std::string verdict = "error nats-server (pid " + std::to_string(stalled) +
                              ") has not answered GET " + server.monitoring_url() + "/jsz for ";
  EXPECT_EQ(log.count(verdict), 1) << log.text();
  EXPECT_NE(log.text().find(" probes in a row; last: no answer after "), std::string::npos);
  EXPECT_NE(log.text().find("); killing it (SIGKILL) to restart it — check that the store " +
                            store_.string() + " has free space"),
            std::string::npos)
      << log.text();
  EXPECT_GE(
      log.count("warning nats-server (pid " + std::to_string(stalled) + ") did not answer GET "),
      3);
}

// A server kept busy with JetStream writes answers every probe: no warning, no restart.
TEST_F(ManagedServerTest, WatchdogLeavesABusyServerAlone) {
  constexpr int kProbes = 40;
  LogCapture log;
  ServerOptions options = loopback_options(store_);
  options.watchdog = {.interval = 50ms, .timeout = 2s, .failures = 3};
  ManagedServer server(options);
  server.start();
  const int pid = server.pid();
  {
    JetStreamLoad load(server.client_url());
    const std::string answered = "trace nats-server (pid " + std::to_string(pid) + ") answered";
    ASSERT_TRUE(wait_for([&] { return log.count(answered) >= kProbes; }, 120s)) << log.text();
    EXPECT_GT(load.published(), 0);
    RecordProperty("published_during_probes", std::to_string(load.published()));
    RecordProperty("publishes_failed", std::to_string(load.failed()));
  }
  EXPECT_EQ(server.restart_count(), 0);
  EXPECT_EQ(server.pid(), pid);
  EXPECT_EQ(log.count("warning nats-server (pid " + std::to_string(pid) + ") did not answer"), 0)
      << log.text();
}

// stop() does not wait for the watchdog's next probe.
TEST_F(ManagedServerTest, StopEndsTheWatchdogAtOnce) {
  ServerOptions options = loopback_options(store_);
  options.watchdog.interval = std::chrono::hours(1);
  ManagedServer server(options);
  server.start();
  const auto began = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 9s);  // the server's own stop is quick
  EXPECT_TRUE(children_of_ours().empty());
}

// A controller that dies without stopping the server takes the server with it
// (PR_SET_PDEATHSIG).
TEST_F(ManagedServerTest, ServerDiesWithItsParent) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t controller = ::fork();
  ASSERT_GE(controller, 0);
  if (controller == 0) {
    ::close(fds[0]);
    int pid = 0;
    try {
      auto* server = new ManagedServer(loopback_options(store_));  // never stopped: a "crash"
      server->start();
      pid = server->pid();
    } catch (...) {
    }
    (void)!::write(fds[1], &pid, sizeof(pid));
    ::_exit(0);
  }
  ::close(fds[1]);
  int server_pid = 0;
  ASSERT_EQ(::read(fds[0], &server_pid, sizeof(server_pid)), static_cast<ssize_t>(sizeof(int)));
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(controller, &status, 0), controller);
  ASSERT_GT(server_pid, 0);
  EXPECT_TRUE(wait_for([&] { return process_gone(server_pid); }));
}

}  // namespace
}  // namespace grid::natsd
