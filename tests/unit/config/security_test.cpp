// The security keys (docs/SECURITY.md, docs/CONFIG.md): api.tokens, api.token_file, api.tls,
// nats.auth, nats.tls, worker.allow, scheduler.allow; values and path-naming errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "load_test_support.hpp"

namespace grid::config {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

class ConfigSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("grid-config-security-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(ConfigSecurity, DefaultsAreOpen) {
  const Config c;
  EXPECT_TRUE(c.api.tokens.empty());
  EXPECT_TRUE(c.api.tls.cert.empty());
  EXPECT_TRUE(c.nats.auth.user.empty());
  EXPECT_TRUE(c.nats.auth.token.empty());
  EXPECT_FALSE(c.nats.tls.enabled());
  EXPECT_FALSE(c.worker.allow.has_value());
  EXPECT_FALSE(c.scheduler.allow.has_value());
}

TEST_F(ConfigSecurity, ReadsEveryKey) {
  const auto cert = write("c.pem", "x");
  const auto key = write("k.pem", "x");
  const auto ca = write("ca.pem", "x");
  const auto tokens = write("tokens", "# ops\n\n  file-token-1  \nfile-token-2\n");
  auto result = test::load(
      "api:\n  tokens: [inline-token]\n  token_file: " + tokens + "\n  tls: {cert: " + cert +
      ", key: " + key + "}\nnats:\n  auth: {user: grid, password: s3cret}\n  tls: {cert: " + cert +
      ", key: " + key + ", ca: " + ca +
      ", verify: true}\nworker:\n  allow: [ping, systemd.status, '*.echo']\n"
      "scheduler:\n  allow: ['*']\n");
  const Config& c = result.config;
  EXPECT_EQ(c.api.tokens, (Strings{"inline-token", "file-token-1", "file-token-2"}));
  EXPECT_EQ(c.api.tls.cert, cert);
  EXPECT_EQ(c.api.tls.key, key);
  EXPECT_EQ(c.nats.auth.user, "grid");
  EXPECT_EQ(c.nats.auth.password, "s3cret");
  EXPECT_TRUE(c.nats.tls.enabled());
  EXPECT_TRUE(c.nats.tls.verify);
  EXPECT_EQ(c.nats.tls.ca, ca);
  EXPECT_EQ(c.worker.allow, (Strings{"ping", "systemd.status", "*.echo"}));
  EXPECT_EQ(c.scheduler.allow, (Strings{"*"}));
  EXPECT_TRUE(result.warnings.empty());
}

TEST_F(ConfigSecurity, NatsToken) {
  auto c = test::load("nats: {auth: {token: t0ken}}").config;
  EXPECT_EQ(c.nats.auth.token, "t0ken");
}

TEST_F(ConfigSecurity, EmptyAllowListAllowsNothing) {
  auto c = test::load("worker: {allow: []}").config;
  ASSERT_TRUE(c.worker.allow.has_value());
  EXPECT_TRUE(c.worker.allow->empty());
}

TEST_F(ConfigSecurity, BadValuesNameTheirPath) {
  EXPECT_EQ(test::problems_of("api:\n  tokens: ['']\n"),
            Strings{"config.yaml:2: api.tokens[0]: must not be empty"});
  EXPECT_EQ(test::problems_of("api:\n  tokens: ['a b']\n"),
            Strings{"config.yaml:2: api.tokens[0]: must not contain spaces or control characters"});
  EXPECT_EQ(test::problems_of("api:\n  token_file: /nonexistent/tokens\n"),
            Strings{R"(config.yaml:2: api.token_file: cannot read "/nonexistent/tokens")"});
  EXPECT_EQ(test::problems_of("api:\n  tls: {cert: /nonexistent/c.pem}\n"),
            (Strings{R"(config.yaml:2: api.tls.cert: cannot read "/nonexistent/c.pem")"}));
  EXPECT_EQ(test::problems_of("nats:\n  auth:\n    user: grid\n"),
            Strings{"config.yaml:3: nats.auth.user: nats.auth.user and nats.auth.password go "
                    "together"});
  EXPECT_EQ(test::problems_of("nats:\n  auth: {user: a, password: b, token: c}\n"),
            Strings{"config.yaml:2: nats.auth.token: set either nats.auth.token or "
                    "nats.auth.user/password, not both"});
  EXPECT_EQ(test::problems_of("worker:\n  allow: [ping, 'a.b.c']\n"),
            Strings{R"(config.yaml:2: worker.allow[1]: "a.b.c" is not a valid pattern )"
                    "(expected *, backend, backend.action, backend.* or *.action)"});
  EXPECT_EQ(test::problems_of("scheduler:\n  allow: 'ping'\n"),
            Strings{R"(config.yaml:2: scheduler.allow: expected a list, got the string "ping")"});
}

TEST_F(ConfigSecurity, HalfATlsPairIsAnError) {
  const auto cert = write("c.pem", "x");
  EXPECT_EQ(test::problems_of("api:\n  tls:\n    cert: " + cert + "\n"),
            Strings{"config.yaml:3: api.tls.cert: HTTPS needs both api.tls.cert and api.tls.key"});
  EXPECT_EQ(test::problems_of("nats:\n  tls: {verify: true}\n"),
            Strings{"config.yaml:2: nats.tls.verify: needs nats.tls.ca to verify clients"});
}

TEST_F(ConfigSecurity, TokenFileProblems) {
  const auto empty = write("empty", "# nothing\n\n");
  EXPECT_EQ(test::problems_of("api: {token_file: " + empty + "}"),
            Strings{"config.yaml:1: api.token_file: \"" + empty + "\" holds no token"});
  const auto bad = write("bad", "good\nhas space\n");
  EXPECT_EQ(test::problems_of("api: {token_file: " + bad + "}"),
            Strings{"config.yaml:1: api.token_file: \"" + bad +
                    "\" line 2: a token must not contain spaces or control characters"});
}

TEST_F(ConfigSecurity, SecretsNeverAppearInProblems) {
  for (const auto& problem :
       test::problems_of("nats: {auth: {user: a, password: 'p w', token: 'tok en'}}")) {
    EXPECT_EQ(problem.find("p w"), std::string::npos) << problem;
    EXPECT_EQ(problem.find("tok en"), std::string::npos) << problem;
  }
}

}  // namespace
}  // namespace grid::config
