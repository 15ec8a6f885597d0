#include "grid/config/load.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

#include "grid/common/security.hpp"
#include "grid/common/token.hpp"
#include "section.hpp"

namespace grid::config {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileSize = 1024 * 1024;
constexpr int kMaxPort = 65535;
constexpr int kRandomPort = -1;
constexpr int kMaxReplicas = 5;
constexpr std::int64_t kMaxBytes = std::numeric_limits<std::int64_t>::max();
constexpr int kMinInt = std::numeric_limits<int>::min();
constexpr int kMaxInt = std::numeric_limits<int>::max();

std::optional<std::string> check_not_empty(std::string_view value) {
  if (value.empty()) return "must not be empty";
  return std::nullopt;
}

// §2.1: node IDs, controller IDs and groups are single subject tokens.
std::optional<std::string> check_name(std::string_view value) {
  if (value.empty()) return "must not be empty";
  if (is_valid_token(value)) return std::nullopt;
  return quote(value) + " is not a valid name (allowed: A-Z a-z 0-9 _ -, at most " +
         std::to_string(kMaxTokenLength) + " characters)";
}

std::optional<std::string> check_absolute(std::string_view value) {
  if (value.starts_with('/')) return std::nullopt;
  return quote(value) + " is not an absolute path";
}

// A secret is printed nowhere, not even in a problem description.
std::optional<std::string> check_secret(std::string_view value) {
  if (value.empty()) return "must not be empty";
  for (char c : value) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return "must not contain spaces or control characters";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_pattern(std::string_view value) {
  return check_allow_pattern(value);
}

std::optional<std::string> check_readable_file(std::string_view value) {
  if (value.empty()) return "must not be empty";
  std::ifstream in{std::string(value)};
  if (!in) return "cannot read " + quote(value);
  return std::nullopt;
}

// Tokens of a token file: one per line; blank lines and lines starting with '#' are skipped.
void read_token_file(Section& s, const std::string& path, std::vector<std::string>& tokens) {
  std::ifstream in(path);
  if (!in) return s.error_at("token_file", "cannot read " + quote(path));
  std::string line;
  int number = 0;
  std::size_t found = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    std::string token = line.substr(first, last - first + 1);
    if (check_secret(token)) {
      return s.error_at("token_file",
                        quote(path) + " line " + std::to_string(number) +
                            ": a token must not contain spaces or control characters");
    }
    tokens.push_back(std::move(token));
    ++found;
  }
  if (found == 0) s.error_at("token_file", quote(path) + " holds no token");
}

void read_api_tls(Section s, ApiTlsConfig& c) {
  s.string("cert", c.cert, check_readable_file);
  s.string("key", c.key, check_readable_file);
  if (c.cert.empty() != c.key.empty()) {
    s.error_at(c.cert.empty() ? "key" : "cert", "HTTPS needs both api.tls.cert and api.tls.key");
  }
  s.warn_unknown_keys();
}

void read_api(Section s, ApiConfig& c) {
  s.boolean("enabled", c.enabled);
  s.string("host", c.host);
  s.integer("port", 0, kMaxPort, c.port);
  if (auto tokens = s.string_list("tokens", check_secret)) c.tokens = std::move(*tokens);
  if (s.string("token_file", c.token_file, check_readable_file) && !c.token_file.empty()) {
    read_token_file(s, c.token_file, c.tokens);
  }
  read_api_tls(s.section("tls"), c.tls);
  s.warn_unknown_keys();
}

void read_client(Section s, NatsClientConfig& c) {
  if (auto urls = s.string_list("urls", check_not_empty)) {
    if (urls->empty()) s.error_at("urls", "must list at least one server URL");
    c.urls = std::move(*urls);
  }
  s.warn_unknown_keys();
}

void read_cluster(Section s, NatsClusterConfig& c) {
  s.boolean("enabled", c.enabled);
  s.string("name", c.name);
  s.string("host", c.host);
  s.integer("port", 0, kMaxPort, c.port);
  if (auto routes = s.string_list("routes", check_not_empty)) c.routes = std::move(*routes);
  s.warn_unknown_keys();
}

void read_jetstream(Section s, JetStreamConfig& c) {
  s.integer("replicas", 1, kMaxReplicas, c.replicas);
  s.string("store", c.store, check_not_empty);
  if (s.has("store") && s.has("store_dir")) {
    s.error_at("store_dir", "is an alias of nats.jetstream.store; set only one of them");
  } else {
    s.string("store_dir", c.store, check_not_empty);
  }
  s.integer("max_store", 0, kMaxBytes, c.max_store);
  s.integer("max_memory", 0, kMaxBytes, c.max_memory);
  s.string("domain", c.domain);
  s.warn_unknown_keys();
}

void read_http(Section s, NatsHttpConfig& c) {
  s.boolean("enabled", c.enabled);
  s.string("host", c.host);
  s.integer("port", kRandomPort, kMaxPort, c.port);
  s.warn_unknown_keys();
}

void read_server(Section s, NatsServerConfig& c) {
  s.string("host", c.host);
  s.integer("port", kRandomPort, kMaxPort, c.port);
  s.boolean("managed", c.managed);
  s.string("binary", c.binary);
  s.warn_unknown_keys();
}

void read_nats_auth(Section s, NatsAuthConfig& c) {
  s.string("user", c.user, check_secret);
  s.string("password", c.password, check_secret);
  s.string("token", c.token, check_secret);
  if (!c.token.empty() && (!c.user.empty() || !c.password.empty())) {
    s.error_at("token", "set either nats.auth.token or nats.auth.user/password, not both");
  } else if (c.user.empty() != c.password.empty()) {
    s.error_at(c.user.empty() ? "password" : "user",
               "nats.auth.user and nats.auth.password go together");
  }
  s.warn_unknown_keys();
}

void read_nats_tls(Section s, NatsTlsConfig& c) {
  s.string("cert", c.cert, check_readable_file);
  s.string("key", c.key, check_readable_file);
  s.string("ca", c.ca, check_readable_file);
  s.boolean("verify", c.verify);
  if (c.cert.empty() != c.key.empty()) {
    s.error_at(c.cert.empty() ? "key" : "cert", "nats.tls.cert and nats.tls.key go together");
  }
  if (c.verify && c.ca.empty()) s.error_at("verify", "needs nats.tls.ca to verify clients");
  s.warn_unknown_keys();
}

void read_nats(Section s, NatsConfig& c) {
  // BUG-62: the default (the sanitised host name) must be a valid token too.
  if (!s.string("name", c.name, check_name) && !is_valid_token(c.name)) {
    s.error_at("name", c.name.empty() ? "the host name cannot be read; set nats.name"
                                      : "the host name gives the invalid default " + quote(c.name) +
                                            "; set nats.name");
  }
  read_client(s.section("client"), c.client);
  read_cluster(s.section("cluster"), c.cluster);
  read_jetstream(s.section("jetstream"), c.jetstream);
  read_http(s.section("http"), c.http);
  read_server(s.section("server"), c.server);
  read_nats_auth(s.section("auth"), c.auth);
  read_nats_tls(s.section("tls"), c.tls);
  s.warn_unknown_keys();
}

void read_worker(Section s, WorkerConfig& c) {
  if (auto groups = s.string_list("groups", check_name)) c.groups = std::move(groups);
  s.positive_duration("heartbeat_interval", c.heartbeat_interval);
  s.positive_duration("inactive_threshold", c.inactive_threshold);
  if (auto paths = s.string_list("allowed_paths", check_absolute)) {
    c.allowed_paths = std::move(*paths);
  }
  if (auto allow = s.string_list("allow", check_pattern)) c.allow = std::move(allow);
  s.warn_unknown_keys();
}

void read_scheduler(Section s, SchedulerConfig& c) {
  s.integer("max_concurrent", kMinInt, kMaxInt, c.max_concurrent);
  s.integer("max_pending", kMinInt, kMaxInt, c.max_pending);
  if (c.max_concurrent <= 0) c.max_concurrent = SchedulerConfig{}.max_concurrent;
  if (c.max_pending <= 0) c.max_pending = SchedulerConfig{}.max_pending;
  if (auto allow = s.string_list("allow", check_pattern)) c.allow = std::move(allow);
  s.warn_unknown_keys();
}

void read_controller(Section s, ControllerConfig& c) {
  s.positive_duration("heartbeat_interval", c.heartbeat_interval);
  s.positive_duration("stale_threshold", c.stale_threshold);
  s.warn_unknown_keys();
}

// Records where each document starts; every other event is ignored.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;

  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::string malformed(const std::string& source, const YAML::Mark& mark, std::string_view what) {
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
         ": malformed YAML: " + std::string(what);
}

// Rejects a second document. yaml-cpp 0.7 never consumes a ',' at document level: LoadAll
// then loops forever and Load returns null, so the stray comma is detected here, where it
// shows up as a second document starting on it.
void check_single_document(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  if (!parser.HandleNextDocument(starts) || !parser.HandleNextDocument(starts)) return;
  const YAML::Mark& second = starts.marks.at(1);
  if (static_cast<std::size_t>(second.pos) < text.size() && text[second.pos] == ',') {
    throw ConfigError({malformed(source, second, "unexpected \",\"")});
  }
  throw ConfigError(
      {source + ":" + std::to_string(second.line + 1) + ": only one YAML document is allowed"});
}

// The document of `text` (null when there is none); malformed YAML throws.
YAML::Node parse_document(const std::string& text, const std::string& source) {
  try {
    check_single_document(text, source);
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    throw ConfigError({malformed(source, e.mark, "nested too deeply")});
  } catch (const YAML::Exception& e) {
    throw ConfigError({malformed(source, e.mark, e.msg)});
  }
}

// The file's contents; nullopt when it does not exist.
std::optional<std::string> read_file(const fs::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) return std::nullopt;
  if (ec) throw ConfigError({name + ": cannot read the configuration file: " + ec.message()});
  if (!fs::is_regular_file(status)) {
    throw ConfigError({name + ": the configuration file is not a regular file"});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(
        {name + ": cannot read the configuration file: " + std::generic_category().message(errno)});
  }
  std::string text(kMaxFileSize + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw ConfigError({name + ": cannot read the configuration file"});
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileSize) {
    throw ConfigError({name + ": the configuration file is larger than 1 MiB"});
  }
  return text;
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : grid::Error([&] {
        std::string text;
        for (const auto& p : problems) text.append(text.empty() ? "" : "\n").append(p);
        return text;
      }()),
      problems_(std::move(problems)) {}

LoadResult load_config_file(const fs::path& path, bool explicit_path) {
  const std::optional<std::string> text = read_file(path);
  if (text) return load_config_string(*text, path.string());
  if (explicit_path) throw ConfigError({path.string() + ": configuration file not found"});
  return {Config{}, {path.string() + ": configuration file not found; using the defaults"}};
}

LoadResult load_config_string(std::string_view yaml, std::string_view source) {
  Diagnostics diag{std::string(source)};
  const YAML::Node root = parse_document(std::string(yaml), std::string(source));
  Config config;
  Section top(root, "", diag);
  read_api(top.section("api"), config.api);
  read_nats(top.section("nats"), config.nats);
  read_worker(top.section("worker"), config.worker);
  read_scheduler(top.section("scheduler"), config.scheduler);
  read_controller(top.section("controller"), config.controller);
  top.warn_unknown_keys();
  diag.throw_if_errors();
  return {std::move(config), diag.warnings()};
}

}  // namespace grid::config
