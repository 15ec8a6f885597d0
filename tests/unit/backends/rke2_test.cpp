#include "grid/backends/rke2.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <thread>

#include "fake_programs.hpp"
#include "test_env.hpp"

namespace grid::backends {
namespace {

using Argv = std::vector<std::string>;
using namespace std::chrono_literals;

// An HTTP server on a loopback port serving the fake installer, a 404 and a redirect.
class InstallerServer {
 public:
  InstallerServer() {
    server_.Get("/installer", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("#!/bin/sh\necho installing\n", "text/plain");
    });
    server_.Get("/moved", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/installer");
    });
    server_.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("not here", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    grid::test::wait_for([this] { return server_.is_running(); });
  }
  ~InstallerServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class Rke2Test : public ::testing::Test {
 protected:
  ActionResult run(Rke2Backend& backend, std::string_view action, const Params& params = {}) {
    RunContext ctx({"job", 0, "node"}, RunContext::Clock::now() + 60s);
    return backend.run(action, params, ctx);
  }
  ActionResult run(std::string_view action, const Params& params = {}) {
    return run(rke2, action, params);
  }
  std::string installer() const { return (fakes.dir() / "rke2.sh").string(); }

  test::FakePrograms fakes;
  Rke2Backend rke2{Rke2Options{"http://127.0.0.1:1/unused", installer()}};
};

TEST_F(Rke2Test, NameAndActions) {
  EXPECT_EQ(rke2.name(), "rke2");
  Argv names;
  for (const auto& a : rke2.actions()) names.push_back(a.name);
  EXPECT_EQ(names, (Argv{"download", "install", "uninstall", "start", "stop", "restart", "kill"}));
}

TEST_F(Rke2Test, DefaultsAreTheRealInstaller) {
  const Rke2Options defaults;
  EXPECT_EQ(defaults.installer_url, "https://get.rke2.io");
  EXPECT_EQ(defaults.installer_path, "/tmp/rke2.sh");
}

TEST_F(Rke2Test, DownloadWritesTheInstaller) {
  InstallerServer server;
  Rke2Backend backend(Rke2Options{server.url("/installer"), installer()});
  const auto r = run(backend, "download");
  EXPECT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.output, "downloaded installer to " + installer());
  EXPECT_EQ(read_file(installer()), "#!/bin/sh\necho installing\n");
}

TEST_F(Rke2Test, DownloadFollowsRedirectsAndReplacesSymlinks) {
  InstallerServer server;
  const auto target = fakes.dir() / "victim";
  std::ofstream(target) << "precious";
  std::filesystem::create_symlink(target, installer());
  Rke2Backend backend(Rke2Options{server.url("/moved"), installer()});
  EXPECT_FALSE(run(backend, "download").error);
  EXPECT_FALSE(std::filesystem::is_symlink(installer()));
  EXPECT_EQ(read_file(installer()), "#!/bin/sh\necho installing\n");
  EXPECT_EQ(read_file(target), "precious");
}

TEST_F(Rke2Test, DownloadFailsOnNon2xx) {
  InstallerServer server;
  Rke2Backend backend(Rke2Options{server.url("/missing"), installer()});
  const auto r = run(backend, "download");
  EXPECT_EQ(r.error, "rke2 download: unexpected HTTP status 404 Not Found");
  EXPECT_EQ(r.output, "");
  EXPECT_FALSE(std::filesystem::exists(installer()));
}

TEST_F(Rke2Test, DownloadReportsConnectionErrors) {
  Rke2Backend backend(Rke2Options{"http://127.0.0.1:1/installer", installer()});
  const auto r = run(backend, "download");
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(r.error->starts_with("rke2 download: GET http://127.0.0.1:1/installer: "))
      << *r.error;
  EXPECT_FALSE(std::filesystem::exists(installer()));
}

TEST_F(Rke2Test, DownloadReportsUnwritableDestination) {
  InstallerServer server;
  Rke2Backend backend(Rke2Options{server.url("/installer"), "/nonexistent-dir/rke2.sh"});
  const auto r = run(backend, "download");
  EXPECT_EQ(r.error, "rke2 download: open /nonexistent-dir/rke2.sh: no such file or directory");
}

TEST_F(Rke2Test, InstallSplitsFlags) {
  fakes.add_recorder("sh");
  EXPECT_FALSE(run("install", {{"flags", "  --channel stable\t-x  "}}).error);
  EXPECT_EQ(fakes.argv("sh"), (Argv{installer(), "--channel", "stable", "-x"}));
  EXPECT_FALSE(run("install").error);
  EXPECT_EQ(fakes.argv("sh"), (Argv{installer()}));
}

TEST_F(Rke2Test, UninstallAndKill) {
  fakes.add_recorder("rke2-uninstall.sh");
  fakes.add_recorder("rke2-killall.sh", 1);
  const auto uninstall = run("uninstall");
  EXPECT_FALSE(uninstall.error);
  EXPECT_EQ(uninstall.output, "rke2-uninstall.sh output\nrke2-uninstall.sh warning\n");
  EXPECT_EQ(fakes.argv("rke2-uninstall.sh"), Argv{});
  EXPECT_TRUE(fakes.ran("rke2-uninstall.sh"));
  EXPECT_EQ(run("kill").error, "exit status 1");
  EXPECT_TRUE(fakes.ran("rke2-killall.sh"));
}

TEST_F(Rke2Test, ServiceActionsRunSystemctl) {
  fakes.add_recorder("systemctl");
  EXPECT_FALSE(run("start", {{"mode", "server"}}).error);
  EXPECT_EQ(fakes.argv("systemctl"), (Argv{"enable", "--now", "--no-block", "rke2-server"}));
  EXPECT_FALSE(run("stop", {{"mode", "agent"}}).error);
  EXPECT_EQ(fakes.argv("systemctl"), (Argv{"disable", "--now", "--no-block", "rke2-agent"}));
  EXPECT_FALSE(run("restart", {{"mode", "server"}}).error);
  EXPECT_EQ(fakes.argv("systemctl"), (Argv{"restart", "rke2-server"}));
}

TEST_F(Rke2Test, ModeIsRequiredAndValidated) {
  fakes.add_recorder("systemctl");
  for (const char* action : {"start", "stop", "restart"}) {
    EXPECT_EQ(run(action).error,
              std::string("rke2 ") + action + ": missing required param 'mode' (server|agent)");
    EXPECT_EQ(run(action, {{"mode", ""}}).error,
              std::string("rke2 ") + action + ": missing required param 'mode' (server|agent)");
    for (const char* bad : {"-server", "--now", "worker", "server agent", "Server"}) {
      EXPECT_EQ(run(action, {{"mode", bad}}).error,
                std::string("rke2 ") + action + ": invalid mode \"" + bad + "\"");
    }
  }
  EXPECT_FALSE(fakes.ran("systemctl"));
}

TEST_F(Rke2Test, UnknownAction) {
  EXPECT_EQ(run("status").error, R"(rke2: unknown action "status")");
}

}  // namespace
}  // namespace grid::backends
