#include "grid/common/security.hpp"

#include <gtest/gtest.h>

namespace grid {
namespace {

using Strings = std::vector<std::string>;

TEST(AllowList, PatternsMatchBackendsAndActions) {
  const Strings allow = {"ping", "systemd.status", "*.version"};
  EXPECT_TRUE(is_allowed(allow, "ping", "echo"));
  EXPECT_TRUE(is_allowed(allow, "systemd", "status"));
  EXPECT_FALSE(is_allowed(allow, "systemd", "restart"));
  EXPECT_TRUE(is_allowed(allow, "apt", "version"));
  EXPECT_FALSE(is_allowed(allow, "apt", "install"));
  EXPECT_TRUE(is_allowed({"*"}, "apt", "install"));
  EXPECT_TRUE(is_allowed({"apt.*"}, "apt", "install"));
  EXPECT_FALSE(is_allowed({}, "ping", "echo"));
  EXPECT_FALSE(is_allowed({"pin"}, "ping", "echo"));
}

TEST(AllowList, PatternValidation) {
  for (const char* ok : {"*", "ping", "ping.echo", "ping.*", "*.echo", "rke2-x.do_it"}) {
    EXPECT_EQ(check_allow_pattern(ok), std::nullopt) << ok;
  }
  for (const char* bad : {"", ".", "a.", ".b", "a.b.c", "a b", "p*", "a.>"}) {
    EXPECT_NE(check_allow_pattern(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(describe_allow_list({"a", "b.c"}), "[a, b.c]");
  EXPECT_EQ(describe_allow_list({}), "[]");
}

TEST(ConstantTimeEqual, ComparesWholeValues) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("secret", ""));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST(RedactUrl, HidesCredentialsOnly) {
  EXPECT_EQ(redact_url("nats://user:pw@host:4222"), "nats://***@host:4222");
  EXPECT_EQ(redact_url("tls://token@h:1/x@y"), "tls://***@h:1/x@y");
  EXPECT_EQ(redact_url("nats://host:4222"), "nats://host:4222");
  EXPECT_EQ(redact_url("host:4222"), "host:4222");
  EXPECT_EQ(redact_url("a:b@host"), "***@host");
}

}  // namespace
}  // namespace grid
