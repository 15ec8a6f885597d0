// Authentication and transport security through real processes (docs/SECURITY.md): API bearer
// tokens and gridc --token, HTTPS with a CA generated at test time and gridc --ca, /healthz and
// /readyz, NATS user/password for controller and workers, worker.allow and scheduler.allow.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "child_process.hpp"
#include "grid/natsd/managed_server.hpp"
#include "test_env.hpp"

namespace grid::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr auto kDeadline = 30s;
constexpr const char* kToken = "tok-0123456789abcdef";

// One `grid` with its own config and directory; the API on a free port.
class Grid {
 public:
  explicit Grid(const std::string& yaml, bool managed = true) : dir_(make_temp_dir("grid-sec")) {
    auto config = dir_ / "grid.yaml";
    std::ofstream(config) << "nats:\n  name: ctrl-sec\n"
                          << (managed ? "  server: {host: 127.0.0.1, port: -1}\n" : "")
                          << "  jetstream: {store: " << (dir_ / "store").string() << "}\n"
                          << yaml;
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("grid").string(), "-c", config.string()},
        dir_ / "grid.log");
    if (managed) {
      nats_url_ = process_->wait_for_output(
          std::regex(R"(nats-server ready at ((nats|tls)://\S+))"), kDeadline);
    }
    scheme_ = process_->wait_for_output(std::regex(R"(API listening on (https?)://)"), kDeadline);
    port_ =
        process_->wait_for_output(std::regex(R"(API listening on https?://\S+:(\d+))"), kDeadline);
  }
  ~Grid() {
    workers_.clear();
    process_->signal(SIGTERM);
    process_->wait_exit(kDeadline);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string api_url() const { return scheme_ + "://127.0.0.1:" + port_; }
  std::string host_port() const { return "127.0.0.1:" + port_; }
  const std::string& nats_url() const { return nats_url_; }
  const fs::path& dir() const { return dir_; }
  ChildProcess& process() { return *process_; }

  // A gridw with extra keys under nats: and worker:; not waited for.
  ChildProcess& start_worker(const std::string& name, const std::string& nats_yaml,
                             const std::string& worker_yaml) {
    auto config = dir_ / (name + ".yaml");
    std::ofstream(config) << "nats:\n  name: " << name << "\n  client: {urls: [\"" << nats_url_
                          << "\"]}\n"
                          << nats_yaml << "worker:\n  heartbeat_interval: 1s\n"
                          << worker_yaml;
    workers_.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("gridw").string(), "-c", config.string()},
        dir_ / (name + ".log")));
    return *workers_.back();
  }

  // Runs gridc with `args` (optionally prefixed by env assignments); returns exit status and
  // output.
  std::pair<int, std::string> gridc(std::vector<std::string> args,
                                    std::vector<std::string> env = {}) {
    std::vector<std::string> argv = {"/usr/bin/env"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(binary("gridc").string());
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess gridc(argv, dir_ / ("gridc-" + std::to_string(++gridc_runs_) + ".log"));
    auto status = gridc.wait_exit(kDeadline);
    return {status.value_or(-1), gridc.output()};
  }

 private:
  fs::path dir_;
  std::unique_ptr<ChildProcess> process_;
  std::vector<std::unique_ptr<ChildProcess>> workers_;
  std::string nats_url_;
  std::string scheme_;
  std::string port_;
  int gridc_runs_ = 0;
};

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

json body_of(const httplib::Result& res) {
  return res ? json::parse(res->body, nullptr, false) : json();
}

json ping_job(const std::string& node) {
  return {{"target", {{"scope", "node"}, {"value", node}}},
          {"tasks", {{{"backend", "ping"}, {"action", "echo"}, {"params", {{"message", "hi"}}}}}}};
}

bool ready(httplib::Client& client) {
  auto res = client.Get("/readyz");
  return res && res->status == 200;
}

TEST(Security, ApiTokensProtectEverythingButProbes) {
  Grid grid("api: {host: 127.0.0.1, port: 0, tokens: [other-token, " + std::string(kToken) +
            "]}\nscheduler: {allow: [ping, 'systemd.status']}\n");
  httplib::Client client(grid.api_url());

  auto missing = client.Get("/jobs");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_TRUE(missing->get_header_value("WWW-Authenticate").starts_with("Bearer"));
  EXPECT_EQ(body_of(missing)["error"], "missing API token (Authorization: Bearer <token>)");

  auto wrong = client.Get("/jobs", bearer("tok-0123456789abcdeX"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_TRUE(wrong->get_header_value("WWW-Authenticate").starts_with("Bearer"));
  EXPECT_EQ(body_of(wrong)["error"], "invalid API token");
  auto post = client.Post("/job", ping_job("w").dump(), "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 401);

  auto ok = client.Get("/jobs", bearer(kToken));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_TRUE(body_of(ok).is_array());
  auto second = client.Get("/nodes", bearer("other-token"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);

  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(body_of(health), (json{{"status", "ok"}}));
  EXPECT_TRUE(wait_for([&] { return ready(client); }, kDeadline));

  // scheduler.allow: the leaf outside the list is named.
  json job = {
      {"target", {{"scope", "all"}, {"value", ""}}},
      {"tasks",
       {{{"backend", "ping"}, {"action", "echo"}},
        {{"tasks",
          {{{"backend", "systemd"}, {"action", "status"}, {"params", {{"unit", "x"}}}},
           {{"backend", "systemd"}, {"action", "restart"}, {"params", {{"unit", "x"}}}}}}}}}};
  auto refused = client.Post("/job", bearer(kToken), job.dump(), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(body_of(refused)["error"],
            "phase[1].tasks[1]: systemd.restart is not allowed by scheduler.allow "
            "[ping, systemd.status]");

  // gridc: a clear error without a token, success with --token or GRID_TOKEN.
  auto [no_token, no_token_out] = grid.gridc({"--api", grid.api_url(), "job", "list"});
  EXPECT_EQ(no_token, 1);
  EXPECT_NE(no_token_out.find("401 Unauthorized"), std::string::npos) << no_token_out;
  EXPECT_NE(no_token_out.find("set --token or GRID_TOKEN"), std::string::npos) << no_token_out;
  auto [bad_token, bad_token_out] =
      grid.gridc({"--api", grid.api_url(), "--token", "nope", "job", "list"});
  EXPECT_EQ(bad_token, 1);
  EXPECT_NE(bad_token_out.find("was not accepted"), std::string::npos) << bad_token_out;
  auto [flag, flag_out] = grid.gridc({"--api", grid.api_url(), "--token", kToken, "job", "list"});
  EXPECT_EQ(flag, 0) << flag_out;
  auto [env, env_out] =
      grid.gridc({"--api", grid.api_url(), "job", "list"}, {"GRID_TOKEN=" + std::string(kToken)});
  EXPECT_EQ(env, 0) << env_out;

  // The token never reaches the log, not even at debug level of gridc.
  EXPECT_EQ(grid.process().output().find(kToken), std::string::npos);
  auto [debug, debug_out] =
      grid.gridc({"-d", "--api", grid.api_url(), "--token", kToken, "job", "list"});
  EXPECT_EQ(debug, 0);
  EXPECT_EQ(debug_out.find(kToken), std::string::npos) << debug_out;
}

// A test CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI, and
// two client certificates: client.pem signed by the test CA, rogue-client.pem by another CA.
struct TestPki {
  explicit TestPki(const fs::path& dir)
      : ca(dir / "ca.pem"),
        cert(dir / "server.pem"),
        key(dir / "server.key"),
        client_cert(dir / "client.pem"),
        client_key(dir / "client.key"),
        rogue_cert(dir / "rogue-client.pem"),
        rogue_key(dir / "rogue-client.key") {
    const std::string d = dir.string();
    std::ofstream(dir / "ext.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const auto issue = [&](const std::string& name, const std::string& ca_name) {
      return " && openssl req" + ec + " -keyout " + name + ".key -out " + name +
             ".csr -subj /CN=" + name + " && openssl x509 -req -in " + name + ".csr -CA " +
             ca_name + ".pem -CAkey " + ca_name + ".key -CAcreateserial -out " + name +
             ".pem -days 1 -extfile ext.cnf";
    };
    const std::string script =
        "cd " + d + " && openssl req -x509" + ec +
        " -keyout ca.key -out ca.pem -days 1 -subj /CN=grid-test-ca" + " && openssl req -x509" +
        ec + " -keyout rogue-ca.key -out rogue-ca.pem -days 1 -subj /CN=rogue-ca" +
        issue("server", "ca") + issue("client", "ca") + issue("rogue-client", "rogue-ca");
    ok = std::system((script + " >openssl.log 2>&1").c_str()) == 0;
  }
  fs::path ca, cert, key;
  fs::path client_cert, client_key;
  fs::path rogue_cert, rogue_key;
  bool ok = false;
};

TEST(Security, HttpsWithTestCaAndGridcCa) {
  auto pki_dir = make_temp_dir("grid-pki");
  TestPki pki(pki_dir);
  ASSERT_TRUE(pki.ok) << "openssl failed; see " << (pki_dir / "openssl.log");
  Grid grid("api: {host: 127.0.0.1, port: 0, tokens: [" + std::string(kToken) +
            "], tls: {cert: " + pki.cert.string() + ", key: " + pki.key.string() + "}}\n");
  ASSERT_EQ(grid.api_url().substr(0, 8), "https://");

  httplib::Client client(grid.api_url());
  client.set_ca_cert_path(pki.ca.string());
  client.enable_server_certificate_verification(true);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  auto jobs = client.Get("/jobs", bearer(kToken));
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->status, 200);

  // Plain HTTP to the HTTPS port gets no answer.
  httplib::Client plain("http://" + grid.host_port());
  plain.set_read_timeout(5, 0);
  auto plain_res = plain.Get("/healthz");
  EXPECT_TRUE(!plain_res || plain_res->status != 200);

  auto [trusted, trusted_out] = grid.gridc(
      {"--api", grid.api_url(), "--ca", pki.ca.string(), "--token", kToken, "job", "list"});
  EXPECT_EQ(trusted, 0) << trusted_out;
  auto [env, env_out] =
      grid.gridc({"--api", grid.api_url(), "job", "list"},
                 {"GRID_CA=" + pki.ca.string(), "GRID_TOKEN=" + std::string(kToken)});
  EXPECT_EQ(env, 0) << env_out;
  auto [untrusted, untrusted_out] =
      grid.gridc({"--api", grid.api_url(), "--token", kToken, "job", "list"});
  EXPECT_EQ(untrusted, 1);
  EXPECT_NE(untrusted_out.find("not trusted (set --ca or GRID_CA)"), std::string::npos)
      << untrusted_out;
  fs::remove_all(pki_dir);
}

TEST(Security, ReadyzFollowsTheNatsConnection) {
  TestEnv nats;
  Grid grid("  server: {managed: false}\n  client: {urls: [\"" + nats.client_url() +
                "\"]}\napi: {host: 127.0.0.1, port: 0}\n",
            /*managed=*/false);
  httplib::Client client(grid.api_url());
  ASSERT_TRUE(wait_for([&] { return ready(client); }, kDeadline));
  EXPECT_EQ(body_of(client.Get("/readyz")), (json{{"status", "ready"}}));

  nats.server().stop();
  // Until nats.c notices the closed socket, the stream check can fail first (503 naming the
  // stream); once it has, the answer names the connection.
  json body;
  EXPECT_TRUE(wait_for(
      [&] {
        auto res = client.Get("/readyz");
        if (!res || res->status != 503) return false;
        body = body_of(res);
        return body.value("error", "") == "nats: not connected";
      },
      kDeadline))
      << body.dump();
  EXPECT_EQ(body["status"], "unavailable");
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(Security, NatsUserPasswordAndWorkerAllowlist) {
  Grid grid("  auth: {user: grid, password: pw-right-0123}\napi: {host: 127.0.0.1, port: 0}\n");
  httplib::Client client(grid.api_url());
  client.set_read_timeout(60, 0);
  const std::string creds = "  auth: {user: grid, password: pw-right-0123}\n";

  // Wrong credentials: a clear message and a non-zero exit, not a hang.
  auto& wrong = grid.start_worker("w-wrong", "  auth: {user: grid, password: pw-wrong-0123}\n", "");
  auto wrong_exit = wrong.wait_exit(kDeadline);
  ASSERT_TRUE(wrong_exit.has_value()) << wrong.output();
  EXPECT_NE(*wrong_exit, 0);
  // nats.c reports the refusal itself, or (timing) only closes the connection.
  EXPECT_NE(wrong.output().find("this worker's credentials"), std::string::npos) << wrong.output();
  EXPECT_NE(wrong.output().find("check nats.auth"), std::string::npos) << wrong.output();
  EXPECT_EQ(wrong.output().find("pw-wrong-0123"), std::string::npos) << wrong.output();
  // No credentials at all is refused the same way.
  auto& none = grid.start_worker("w-none", "", "");
  auto none_exit = none.wait_exit(kDeadline);
  ASSERT_TRUE(none_exit.has_value()) << none.output();
  EXPECT_NE(*none_exit, 0);

  // Right credentials: the worker comes online and runs a job; a worker whose worker.allow
  // excludes ping refuses it with a failed result naming the rule.
  grid.start_worker("w-good", creds, "");
  grid.start_worker("w-strict", creds, "  allow: [systemd, 'apt.version']\n");
  for (const char* node : {"w-good", "w-strict"}) {
    ASSERT_TRUE(wait_for(
        [&] {
          auto node_info = body_of(client.Get(std::string("/node/") + node));
          return node_info.is_object() && node_info.value("status", "") == "online";
        },
        kDeadline))
        << node << " did not come online";
  }
  auto run = [&](const std::string& node) {
    auto submitted = client.Post("/job", ping_job(node).dump(), "application/json");
    EXPECT_TRUE(submitted && submitted->status == 202);
    auto id = body_of(submitted)["id"].get<std::string>();
    return body_of(client.Get("/job/" + id + "?wait=30s"));
  };
  auto done = run("w-good");
  EXPECT_EQ(done["status"], "completed") << done.dump();
  auto refused = run("w-strict");
  EXPECT_EQ(refused["status"], "failed") << refused.dump();
  EXPECT_EQ(refused["results"]["0"]["w-strict"]["status"], "failed");
  EXPECT_EQ(refused["results"]["0"]["w-strict"]["error"],
            "ping.echo is not allowed on this worker (worker.allow [systemd, apt.version])")
      << refused.dump();

  EXPECT_EQ(grid.process().output().find("pw-right-0123"), std::string::npos);
  std::ifstream generated(grid.dir() / "store" / "grid-nats-server.conf");
  std::stringstream text;
  text << generated.rdbuf();
  EXPECT_NE(text.str().find("authorization {"), std::string::npos);
}

TEST(Security, NatsTlsWithTestCa) {
  auto pki_dir = make_temp_dir("grid-pki");
  TestPki pki(pki_dir);
  ASSERT_TRUE(pki.ok) << "openssl failed; see " << (pki_dir / "openssl.log");
  const std::string tls = "  tls: {cert: " + pki.cert.string() + ", key: " + pki.key.string() +
                          ", ca: " + pki.ca.string() + "}\n";
  Grid grid(tls + "  auth: {token: nats-token-0123}\napi: {host: 127.0.0.1, port: 0}\n");
  ASSERT_EQ(grid.nats_url().substr(0, 6), "tls://");
  httplib::Client client(grid.api_url());
  client.set_read_timeout(60, 0);
  ASSERT_TRUE(wait_for([&] { return ready(client); }, kDeadline));

  grid.start_worker("w-tls",
                    "  tls: {ca: " + pki.ca.string() + "}\n  auth: {token: nats-token-0123}\n", "");
  ASSERT_TRUE(wait_for(
      [&] {
        auto node_info = body_of(client.Get("/node/w-tls"));
        return node_info.is_object() && node_info.value("status", "") == "online";
      },
      kDeadline));
  auto submitted = client.Post("/job", ping_job("w-tls").dump(), "application/json");
  ASSERT_TRUE(submitted && submitted->status == 202);
  auto done =
      body_of(client.Get("/job/" + body_of(submitted)["id"].get<std::string>() + "?wait=30s"));
  EXPECT_EQ(done["status"], "completed") << done.dump();
  fs::remove_all(pki_dir);
}

// nats.tls.verify: the managed server requires a client certificate signed by nats.tls.ca.
// The controller presents its own certificate; a worker with a client certificate of the test
// CA runs a job; one without a certificate, or with one of another CA, is refused and exits
// non-zero with an error that says so, instead of retrying forever.
TEST(Security, NatsVerifyRequiresClientCertificatesOfTheCa) {
  auto pki_dir = make_temp_dir("grid-pki");
  TestPki pki(pki_dir);
  ASSERT_TRUE(pki.ok) << "openssl failed; see " << (pki_dir / "openssl.log");
  Grid grid("  tls: {cert: " + pki.cert.string() + ", key: " + pki.key.string() +
            ", ca: " + pki.ca.string() + ", verify: true}\napi: {host: 127.0.0.1, port: 0}\n");
  ASSERT_EQ(grid.nats_url().substr(0, 6), "tls://");
  httplib::Client client(grid.api_url());
  client.set_read_timeout(60, 0);
  ASSERT_TRUE(wait_for([&] { return ready(client); }, kDeadline)) << grid.process().output();
  std::ifstream generated(grid.dir() / "store" / "grid-nats-server.conf");
  std::stringstream text;
  text << generated.rdbuf();
  EXPECT_NE(text.str().find("verify: true"), std::string::npos) << text.str();

  grid.start_worker("w-cert",
                    "  tls: {ca: " + pki.ca.string() + ", cert: " + pki.client_cert.string() +
                        ", key: " + pki.client_key.string() + "}\n",
                    "");
  ASSERT_TRUE(wait_for(
      [&] {
        auto node_info = body_of(client.Get("/node/w-cert"));
        return node_info.is_object() && node_info.value("status", "") == "online";
      },
      kDeadline));
  auto submitted = client.Post("/job", ping_job("w-cert").dump(), "application/json");
  ASSERT_TRUE(submitted && submitted->status == 202);
  auto done =
      body_of(client.Get("/job/" + body_of(submitted)["id"].get<std::string>() + "?wait=30s"));
  EXPECT_EQ(done["status"], "completed") << done.dump();

  const std::vector<std::pair<std::string, std::string>> refused = {
      {"w-nocert", "  tls: {ca: " + pki.ca.string() + "}\n"},
      {"w-rogue", "  tls: {ca: " + pki.ca.string() + ", cert: " + pki.rogue_cert.string() +
                      ", key: " + pki.rogue_key.string() + "}\n"}};
  for (const auto& [name, tls] : refused) {
    auto& worker = grid.start_worker(name, tls, "");
    const auto exit = worker.wait_exit(kDeadline);
    ASSERT_TRUE(exit.has_value()) << name << " hangs:\n" << worker.output();
    EXPECT_NE(*exit, 0) << worker.output();
    EXPECT_NE(worker.output().find("client certificate"), std::string::npos) << name << ":\n"
                                                                             << worker.output();
  }
  fs::remove_all(pki_dir);
}

}  // namespace
}  // namespace grid::test
