#include "grid/backends/systemd.hpp"

#include <gtest/gtest.h>

#include "fake_programs.hpp"

namespace grid::backends {
namespace {

using Argv = std::vector<std::string>;

class SystemdTest : public ::testing::Test {
 protected:
  ActionResult run(std::string_view action, const Params& params = {}) {
    RunContext ctx({"job", 0, "node"}, std::nullopt);
    return systemd.run(action, params, ctx);
  }
  test::FakePrograms fakes;
  SystemdBackend systemd;
};

TEST_F(SystemdTest, NameAndActions) {
  EXPECT_EQ(systemd.name(), "systemd");
  Argv names;
  for (const auto& a : systemd.actions()) {
    names.push_back(a.name);
    ASSERT_EQ(a.params.size(), 1u);
    EXPECT_EQ(a.params[0].name, "unit");
    EXPECT_TRUE(a.params[0].required);
  }
  EXPECT_EQ(names, (Argv{"start", "stop", "restart", "enable", "disable", "status"}));
}

TEST_F(SystemdTest, EveryActionRunsSystemctl) {
  fakes.add_recorder("systemctl");
  const std::vector<std::pair<std::string, Argv>> cases{
      {"start", {"start", "nginx.service"}},
      {"stop", {"stop", "nginx.service"}},
      {"restart", {"restart", "nginx.service"}},
      {"enable", {"enable", "--now", "nginx.service"}},
      {"disable", {"disable", "--now", "nginx.service"}},
      {"status", {"status", "nginx.service"}},
  };
  for (const auto& [action, argv] : cases) {
    const auto r = run(action, {{"unit", "nginx.service"}});
    EXPECT_FALSE(r.error) << action;
    EXPECT_EQ(r.output, "systemctl output\nsystemctl warning\n") << action;
    EXPECT_EQ(fakes.argv("systemctl"), argv) << action;
  }
}

TEST_F(SystemdTest, InactiveUnitStatusFails) {
  fakes.add("systemctl", "echo 'Active: inactive (dead)'\nexit 3\n");
  const auto r = run("status", {{"unit", "nginx"}});
  EXPECT_EQ(r.error, "exit status 3");
  EXPECT_EQ(r.output, "Active: inactive (dead)\n");
}

TEST_F(SystemdTest, MissingUnitIsCheckedBeforeTheAction) {
  fakes.add_recorder("systemctl");
  EXPECT_EQ(run("start").error, "systemd start: missing required param 'unit'");
  EXPECT_EQ(run("enable", {{"unit", ""}}).error, "systemd enable: missing required param 'unit'");
  EXPECT_EQ(run("frob").error, "systemd frob: missing required param 'unit'");
  EXPECT_FALSE(fakes.ran("systemctl"));
}

TEST_F(SystemdTest, InvalidUnitsAreRejected) {
  fakes.add_recorder("systemctl");
  for (const char* bad : {"--force", "-H", "a b", "nginx;reboot", "../x", ".x"}) {
    EXPECT_EQ(run("stop", {{"unit", bad}}).error,
              std::string("systemd stop: invalid unit \"") + bad + "\"");
  }
  EXPECT_FALSE(fakes.ran("systemctl"));
}

TEST_F(SystemdTest, UnknownActionWithUnit) {
  EXPECT_EQ(run("mask", {{"unit", "nginx"}}).error, R"(systemd: unknown action "mask")");
}

TEST(UnitNameTest, Grammar) {
  EXPECT_TRUE(is_valid_unit_name("nginx"));
  EXPECT_TRUE(is_valid_unit_name("getty@tty1.service"));
  EXPECT_TRUE(is_valid_unit_name("rke2-server"));
  EXPECT_TRUE(is_valid_unit_name("a_b.timer"));
  EXPECT_FALSE(is_valid_unit_name(""));
  EXPECT_FALSE(is_valid_unit_name("-x"));
  EXPECT_FALSE(is_valid_unit_name("@x"));
  EXPECT_FALSE(is_valid_unit_name("a/b"));
  EXPECT_FALSE(is_valid_unit_name("a:b"));
}

}  // namespace
}  // namespace grid::backends
