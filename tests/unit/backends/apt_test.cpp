#include "grid/backends/apt.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_programs.hpp"

namespace grid::backends {
namespace {

using Argv = std::vector<std::string>;

class AptTest : public ::testing::Test {
 protected:
  ActionResult run(std::string_view action, const Params& params = {}) {
    RunContext ctx({"job", 0, "node"}, std::nullopt);
    return apt.run(action, params, ctx);
  }
  test::FakePrograms fakes;
  AptBackend apt;
};

TEST_F(AptTest, NameAndActions) {
  EXPECT_EQ(apt.name(), "apt");
  Argv names;
  for (const auto& a : apt.actions()) names.push_back(a.name);
  EXPECT_EQ(names, (Argv{"install", "remove", "update", "upgrade"}));
}

TEST_F(AptTest, InstallRunsAptGetNonInteractively) {
  fakes.add_recorder("apt-get");
  const auto r = run("install", {{"package", "nginx"}});
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.output, "apt-get output\napt-get warning\n");
  EXPECT_EQ(fakes.argv("apt-get"), (Argv{"install", "-y", "nginx"}));
  const auto env = fakes.env("apt-get");
  EXPECT_NE(std::find(env.begin(), env.end(), "DEBIAN_FRONTEND=noninteractive"), env.end());
}

TEST_F(AptTest, InstallAcceptsVersionedPackages) {
  fakes.add_recorder("apt-get");
  EXPECT_FALSE(run("install", {{"package", "libfoo2:amd64=1.2.3-1~deb12u1+b1"}}).error);
  EXPECT_EQ(fakes.argv("apt-get"), (Argv{"install", "-y", "libfoo2:amd64=1.2.3-1~deb12u1+b1"}));
}

TEST_F(AptTest, RemoveUpdateUpgrade) {
  fakes.add_recorder("apt-get");
  EXPECT_FALSE(run("remove", {{"package", "nginx"}}).error);
  EXPECT_EQ(fakes.argv("apt-get"), (Argv{"remove", "-y", "nginx"}));
  EXPECT_FALSE(run("update").error);
  EXPECT_EQ(fakes.argv("apt-get"), (Argv{"update"}));
  EXPECT_FALSE(run("upgrade").error);
  EXPECT_EQ(fakes.argv("apt-get"), (Argv{"upgrade", "-y"}));
}

TEST_F(AptTest, FailureKeepsOutputAndExitStatus) {
  fakes.add("apt-get", "echo 'E: Unable to locate package nginxx'\nexit 100\n");
  const auto r = run("install", {{"package", "nginxx"}});
  EXPECT_EQ(r.error, "exit status 100");
  EXPECT_EQ(r.output, "E: Unable to locate package nginxx\n");
}

TEST_F(AptTest, MissingPackage) {
  fakes.add_recorder("apt-get");
  EXPECT_EQ(run("install").error, "apt install: missing required param 'package'");
  EXPECT_EQ(run("install", {{"package", ""}}).error,
            "apt install: missing required param 'package'");
  EXPECT_EQ(run("remove").error, "apt remove: missing required param 'package'");
  EXPECT_FALSE(fakes.ran("apt-get"));
}

TEST_F(AptTest, InvalidPackagesAreRejectedBeforeRunning) {
  fakes.add_recorder("apt-get");
  for (const char* bad : {"-oAPT::Update::Pre-Invoke::=touch /tmp/x", "--allow-unauthenticated",
                          "-y", "nginx curl", "ngi$nx", ".hidden", "a/b", "x;rm"}) {
    EXPECT_EQ(run("install", {{"package", bad}}).error,
              std::string("apt install: invalid package \"") + bad + "\"");
    EXPECT_EQ(run("remove", {{"package", bad}}).error,
              std::string("apt remove: invalid package \"") + bad + "\"");
  }
  EXPECT_FALSE(fakes.ran("apt-get"));
}

TEST_F(AptTest, AptGetMissingFromPath) {
  ::setenv("PATH", fakes.dir().c_str(), 1);
  EXPECT_EQ(run("update").error, R"(exec: "apt-get": executable file not found in $PATH)");
}

TEST_F(AptTest, UnknownAction) {
  EXPECT_EQ(run("purge").error, R"(apt: unknown action "purge")");
}

TEST(PackageNameTest, Grammar) {
  EXPECT_TRUE(is_valid_package_name("g++"));
  EXPECT_TRUE(is_valid_package_name("0ad"));
  EXPECT_TRUE(is_valid_package_name("nginx=1.22.1-9"));
  EXPECT_FALSE(is_valid_package_name(""));
  EXPECT_FALSE(is_valid_package_name("-o"));
  EXPECT_FALSE(is_valid_package_name("+x"));
  EXPECT_FALSE(is_valid_package_name("a b"));
  EXPECT_FALSE(is_valid_package_name("caf\xC3\xA9"));
}

}  // namespace
}  // namespace grid::backends
