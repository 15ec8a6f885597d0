// Authorization and TLS in the generated nats-server configuration (docs/SECURITY.md).
#include <gtest/gtest.h>

#include "grid/natsd/server_config.hpp"

namespace grid::natsd {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RenderSecurity, NothingWithoutSettings) {
  const std::string text = render_config(ServerOptions{});
  EXPECT_FALSE(contains(text, "authorization"));
  EXPECT_FALSE(contains(text, "tls"));
}

TEST(RenderSecurity, UserAndPassword) {
  ServerOptions o;
  o.auth = {"grid", "pa\"ss", ""};
  EXPECT_TRUE(contains(render_config(o),
                       "authorization {\n  user: \"grid\"\n  password: \"pa\\\"ss\"\n}\n"));
}

TEST(RenderSecurity, Token) {
  ServerOptions o;
  o.auth.token = "t0k";
  EXPECT_TRUE(contains(render_config(o), "authorization {\n  token: \"t0k\"\n}\n"));
}

TEST(RenderSecurity, TlsWithClientVerification) {
  ServerOptions o;
  o.tls = {"/c.pem", "/k.pem", "/ca.pem", true};
  EXPECT_TRUE(contains(render_config(o),
                       "tls {\n  cert_file: \"/c.pem\"\n  key_file: \"/k.pem\"\n"
                       "  ca_file: \"/ca.pem\"\n  verify: true\n}\n"));
}

}  // namespace
}  // namespace grid::natsd
