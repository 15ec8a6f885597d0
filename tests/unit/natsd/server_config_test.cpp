#include "grid/natsd/server_config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "test_env.hpp"

namespace grid::natsd {
namespace {

ServerOptions base_options() {
  ServerOptions o;
  o.host = "0.0.0.0";
  o.port = 4222;
  o.store_dir = "/var/lib/grid/nats";
  return o;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RenderConfig, ServerNameOnlyWhenSet) {
  ServerOptions o = base_options();
  EXPECT_FALSE(contains(render_config(o), "server_name"));
  o.server_name = "ctl-1";
  EXPECT_TRUE(contains(render_config(o), "server_name: \"ctl-1\"\n"));
}

TEST(RenderConfig, HostAndPort) {
  ServerOptions o = base_options();
  o.host = "10.0.0.1";
  o.port = -1;
  const std::string text = render_config(o);
  EXPECT_TRUE(contains(text, "host: \"10.0.0.1\"\n"));
  EXPECT_TRUE(contains(text, "port: -1\n"));
}

TEST(RenderConfig, JetStreamAlwaysPresentLimitsOnlyWhenPositive) {
  ServerOptions o = base_options();
  EXPECT_TRUE(contains(render_config(o), "jetstream {\n  store_dir: \"/var/lib/grid/nats\"\n}\n"));
  o.max_memory = 1073741824;
  o.max_store = 10737418240;
  EXPECT_TRUE(contains(render_config(o),
                       "jetstream {\n  store_dir: \"/var/lib/grid/nats\"\n"
                       "  max_memory_store: 1073741824\n  max_file_store: 10737418240\n}\n"));
}

TEST(RenderConfig, ClusterOnlyWhenEnabled) {
  ServerOptions o = base_options();
  o.cluster.name = "grid";
  EXPECT_FALSE(contains(render_config(o), "cluster"));
  o.cluster.enabled = true;
  EXPECT_TRUE(
      contains(render_config(o), "cluster {\n  name: \"grid\"\n  listen: \"0.0.0.0:6222\"\n}\n"));
}

TEST(RenderConfig, ClusterRoutesGetSchemeUnlessPresent) {
  ServerOptions o = base_options();
  o.cluster = {true, "grid", "10.0.0.1", 7222, {"n2:6222", "nats-route://n3:6222"}};
  EXPECT_TRUE(contains(render_config(o),
                       "cluster {\n  name: \"grid\"\n  listen: \"10.0.0.1:7222\"\n  routes: [\n"
                       "    \"nats://n2:6222\"\n    \"nats-route://n3:6222\"\n  ]\n}\n"));
}

TEST(RenderConfig, HttpEnabledDefaultsToServerHostAnd8222) {
  ServerOptions o = base_options();
  o.http.enabled = true;
  EXPECT_TRUE(contains(render_config(o), "http: \"0.0.0.0:8222\"\n"));
  o.http.host = "127.0.0.2";
  o.http.port = 9222;
  EXPECT_TRUE(contains(render_config(o), "http: \"127.0.0.2:9222\"\n"));
}

TEST(RenderConfig, HttpDisabledIsLoopbackRandomOrGivenPort) {
  ServerOptions o = base_options();
  o.http.host = "10.1.1.1";
  EXPECT_TRUE(contains(render_config(o), "http: \"127.0.0.1:-1\"\n"));
  o.http.port = 9333;
  EXPECT_TRUE(contains(render_config(o), "http: \"127.0.0.1:9333\"\n"));
}

TEST(RenderConfig, PortsFileDirIsTheStore) {
  EXPECT_TRUE(contains(render_config(base_options()), "ports_file_dir: \"/var/lib/grid/nats\"\n"));
}

TEST(RenderConfig, StringsAreQuotedAndEscaped) {
  ServerOptions o = base_options();
  o.server_name = "a \"b\" \\c";
  EXPECT_TRUE(contains(render_config(o), "server_name: \"a \\\"b\\\" \\\\c\"\n"));
}

TEST(RenderConfig, Ipv6ListenAddressesAreBracketed) {
  ServerOptions o = base_options();
  o.http.enabled = true;
  o.http.host = "::1";
  EXPECT_TRUE(contains(render_config(o), "http: \"[::1]:8222\"\n"));
}

TEST(Addresses, ConnectHostReplacesWildcards) {
  EXPECT_EQ(connect_host(""), "127.0.0.1");
  EXPECT_EQ(connect_host("0.0.0.0"), "127.0.0.1");
  EXPECT_EQ(connect_host("::"), "127.0.0.1");
  EXPECT_EQ(connect_host("[::]"), "127.0.0.1");
  EXPECT_EQ(connect_host("10.0.0.7"), "10.0.0.7");
  EXPECT_EQ(join_host_port("::1", 4222), "[::1]:4222");
  EXPECT_EQ(join_host_port("h", 1), "h:1");
}

TEST(WriteConfig, CreatesStoreDirAndWritesAtomicallyWithMode0600) {
  const auto root = test::make_temp_dir("grid-natsd-config");
  ServerOptions o = base_options();
  o.store_dir = (root / "a" / "store").string();
  write_config(o);

  struct stat st {};
  ASSERT_EQ(::stat(o.store_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  ASSERT_EQ(::stat(config_path(o).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(config_path(o), std::filesystem::path(o.store_dir) / "grid-nats-server.conf");
  std::ifstream in(config_path(o));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), render_config(o));

  o.port = 5000;  // rewriting replaces the file and leaves no temporary behind
  write_config(o);
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(o.store_dir)) {
    ++files;
  }
  EXPECT_EQ(files, 1u);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace grid::natsd
