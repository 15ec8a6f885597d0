#include "grid/api/api_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <regex>
#include <thread>

#include "grid/api/job_waiter.hpp"
#include "grid/api/nats_stats.hpp"
#include "grid/bus/error.hpp"
#include "grid/common/error.hpp"
#include "grid/common/security.hpp"
#include "grid/common/token.hpp"
#include "grid/model/controller_info.hpp"
#include "grid/model/json.hpp"
#include "grid/model/node_info.hpp"

namespace grid::api {
namespace {

using Json = model::OrderedJson;

// Enough threads that long-polls (one thread each while they wait) do not starve the rest.
constexpr std::size_t kServerThreads = 64;
constexpr std::size_t kKeepAliveRequests = 10000;

thread_local std::chrono::steady_clock::time_point request_started;

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(model::dump_json(body) + "\n", "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, Json{{"error", message}});
}

bool is_not_found(const std::exception& e) {
  auto* nats = dynamic_cast<const bus::NatsError*>(&e);
  return nats != nullptr && nats->is_not_found();
}

// Decodes every value with `decode`, skipping (and logging) entries that do not decode.
template <typename Decode>
auto decode_entries(const std::vector<bus::KvEntry>& entries, const char* what, Decode decode) {
  std::vector<decltype(decode(std::string_view{}))> out;
  out.reserve(entries.size());
  for (const auto& entry : entries) {
    try {
      out.push_back(decode(entry.value));
    } catch (const Error& e) {
      spdlog::warn("api: skipping undecodable {} {}: {}", what, entry.key, e.what());
    }
  }
  return out;
}

// Routes of the API and their methods, for 405 answers and CORS pre-flights.
struct RouteShape {
  const char* pattern;
  const char* methods;
};
constexpr RouteShape kRoutes[] = {{R"(/status)", "GET"},     {R"(/job)", "POST"},
                                  {R"(/job/[^/]+)", "GET"},  {R"(/job/[^/]+/cancel)", "POST"},
                                  {R"(/jobs)", "GET"},       {R"(/nodes)", "GET"},
                                  {R"(/node/[^/]+)", "GET"}, {R"(/controllers)", "GET"},
                                  {R"(/nats)", "GET"},       {R"(/healthz)", "GET"},
                                  {R"(/readyz)", "GET"}};

const RouteShape* route_of(const std::string& path) {
  static const auto patterns = [] {
    std::vector<std::regex> out;
    for (const auto& route : kRoutes) out.emplace_back(route.pattern);
    return out;
  }();
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (std::regex_match(path, patterns[i])) return &kRoutes[i];
  }
  return nullptr;
}

// Endpoints answered without a token (probes of load balancers and orchestrators).
bool is_open_path(const std::string& path) {
  return path == "/healthz" || path == "/readyz";
}

// The bearer token of the Authorization header, or nullopt without one.
std::optional<std::string> bearer_token(const httplib::Request& req) {
  if (!req.has_header("Authorization")) return std::nullopt;
  const std::string value = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() < kScheme.size()) return std::string();
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::string();
    }
  }
  const auto start = value.find_first_not_of(' ', kScheme.size());
  return start == std::string::npos ? std::string() : value.substr(start);
}

// Every configured token is compared (constant time each), so the answer time does not tell
// which one was close.
bool token_accepted(const std::vector<std::string>& tokens, const std::string& presented) {
  bool accepted = false;
  for (const auto& token : tokens) accepted |= constant_time_equal(token, presented);
  return accepted;
}

// The first leaf outside `allow`, as "phase[0].tasks[1]: apt.install is not allowed ...".
std::optional<std::string> disallowed_leaf(const std::vector<model::Phase>& phases,
                                           const std::vector<std::string>& allow,
                                           const std::string& prefix) {
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const auto& phase = phases[i];
    const std::string path = prefix.empty() ? "phase[" + std::to_string(i) + "]"
                                            : prefix + ".tasks[" + std::to_string(i) + "]";
    if (!phase.backend.empty() && !is_allowed(allow, phase.backend, phase.action)) {
      return path + ": " + phase.backend + "." + phase.action +
             " is not allowed by scheduler.allow " + describe_allow_list(allow);
    }
    if (auto found = disallowed_leaf(phase.tasks, allow, path)) return found;
  }
  return std::nullopt;
}

std::unique_ptr<httplib::Server> make_server(const config::ApiConfig& config) {
  if (config.tls.cert.empty()) return std::make_unique<httplib::Server>();
  auto server =
      std::make_unique<httplib::SSLServer>(config.tls.cert.c_str(), config.tls.key.c_str());
  if (!server->is_valid()) {
    throw Error("API: cannot use the certificate " + config.tls.cert + " and key " +
                config.tls.key + " (api.tls): unreadable, not PEM, or not a matching pair");
  }
  return server;
}

}  // namespace

struct ApiServer::Impl {
  Impl(const config::ApiConfig& c, ApiServices s)
      : config(c),
        services(std::move(s)),
        waiter(services.connection, services.jobs),
        server(make_server(config)) {}

  void install_middleware();
  // Handles the request when it lacks a valid token (401); returns whether it did.
  bool refuse_unauthenticated(const httplib::Request& req, httplib::Response& res) const;
  void install_routes();
  void get_job(const httplib::Request& req, httplib::Response& res);
  void list_jobs(const httplib::Request& req, httplib::Response& res);
  void post_job(const httplib::Request& req, httplib::Response& res);
  void cancel_job(const httplib::Request& req, httplib::Response& res);
  template <typename Decode>
  void get_entry(bus::KvStore& kv, const std::string& what, const std::string& id,
                 httplib::Response& res, Decode decode);
  template <typename Decode>
  void list_bucket(bus::KvStore& kv, const char* what, httplib::Response& res, Decode decode);

  config::ApiConfig config;
  ApiServices services;
  JobWaiter waiter;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int bound_port = 0;
};

bool ApiServer::Impl::refuse_unauthenticated(const httplib::Request& req,
                                             httplib::Response& res) const {
  if (config.tokens.empty() || is_open_path(req.path)) return false;
  const auto presented = bearer_token(req);
  if (presented && !presented->empty() && token_accepted(config.tokens, *presented)) return false;
  // The presented value is never logged or echoed.
  spdlog::debug("api: {} {} refused: {}", req.method, req.path,
                presented ? "invalid bearer token" : "no bearer token");
  res.set_header("WWW-Authenticate", presented ? R"(Bearer realm="grid", error="invalid_token")"
                                               : R"(Bearer realm="grid")");
  send_error(res, 401,
             presented ? "invalid API token" : "missing API token (Authorization: Bearer <token>)");
  return true;
}

void ApiServer::Impl::install_middleware() {
  server->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second controller bind the
  // same port and silently share its traffic; BUG-56 wants that to fail.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server->set_payload_max_length(kMaxBodyBytes);
  // A response goes out in several writes; with Nagle's algorithm the last one waited for the
  // client's delayed ACK (40 ms per request on Linux).
  server->set_tcp_nodelay(true);
  // cpp-httplib closes a keep-alive connection after 5 requests by default: a client waiting
  // on jobs (POST, then a long poll, per job) reconnected every 2.5 jobs.
  server->set_keep_alive_max_count(kKeepAliveRequests);
  server->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    request_started = std::chrono::steady_clock::now();
    if (req.method == "OPTIONS") {  // CORS pre-flight (§10.1)
      const auto* route = route_of(req.path);
      res.status = route ? 204 : 404;
      res.set_header("Access-Control-Allow-Origin", "*");
      res.set_header("Access-Control-Allow-Methods",
                     std::string(route ? route->methods : "GET, POST") + ", OPTIONS");
      if (req.has_header("Access-Control-Request-Headers")) {
        res.set_header("Access-Control-Allow-Headers",
                       req.get_header_value("Access-Control-Request-Headers"));
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    if (refuse_unauthenticated(req, res)) return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server->set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.has_header("Origin")) {
      res.set_header("Access-Control-Allow-Origin", "*");
      res.set_header("Vary", "Origin");
    }
  });
  // Every error answer is JSON, including the ones cpp-httplib produces itself.
  server->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404 && route_of(req.path) != nullptr) {
      send_error(res, 405, "method " + req.method + " not allowed on " + req.path);
    } else if (res.status == 413) {
      send_error(res, 413, "request body too large");
    } else if (res.status == 404) {
      send_error(res, 404, "not found: " + req.path);
    } else {
      send_error(res, res.status, "HTTP error " + std::to_string(res.status));
    }
  });
  server->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("api: {} {} failed: {}", req.method, req.path, what);
        send_error(res, 500, what);
      });
  server->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    auto elapsed = std::chrono::steady_clock::now() - request_started;
    spdlog::debug("api: {} {} {} {:.3f} ms", req.method, req.path, res.status,
                  std::chrono::duration<double, std::milli>(elapsed).count());
  });
}

template <typename Decode>
void ApiServer::Impl::get_entry(bus::KvStore& kv, const std::string& what, const std::string& id,
                                httplib::Response& res, Decode decode) {
  const std::string context = "getting " + what + " " + id;
  if (!is_valid_token(id)) return send_error(res, 404, context + ": nats: key not found");
  try {
    auto entry = kv.get(id);
    if (!entry) return send_error(res, 404, context + ": nats: key not found");
    send_json(res, 200, model::encode(decode(entry->value)));
  } catch (const std::exception& e) {
    if (is_not_found(e)) return send_error(res, 404, context + ": nats: key not found");
    send_error(res, 500, context + ": " + e.what());  // BUG-65
  }
}

template <typename Decode>
void ApiServer::Impl::list_bucket(bus::KvStore& kv, const char* what, httplib::Response& res,
                                  Decode decode) {
  try {
    Json out = Json::array();
    for (const auto& item : decode_entries(kv.list(), what, decode)) {
      out.push_back(model::encode(item));
    }
    send_json(res, 200, out);
  } catch (const Error& e) {
    send_error(res, 500, std::string("listing ") + what + "s: " + e.what());
  }
}

void ApiServer::Impl::get_job(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  auto decode = [](std::string_view text) { return model::parse_job(text); };
  if (!req.has_param("wait")) return get_entry(services.jobs, "job", id, res, decode);

  auto wait = parse_duration(req.get_param_value("wait"));
  if (!wait || *wait < Duration::zero()) {
    return send_error(res, 400, "invalid wait duration \"" + req.get_param_value("wait") + "\"");
  }
  const std::string context = "getting job " + id;
  if (!is_valid_token(id)) return send_error(res, 404, context + ": nats: key not found");
  try {
    auto entry = waiter.wait_until_terminal(id, std::min(*wait, kMaxLongPoll));
    if (!entry) return send_error(res, 404, context + ": nats: key not found");
    send_json(res, 200, model::encode(decode(entry->value)));
  } catch (const std::exception& e) {
    send_error(res, 500, context + ": " + e.what());
  }
}

void ApiServer::Impl::list_jobs(const httplib::Request& req, httplib::Response& res) {
  std::optional<model::JobStatus> status;
  if (req.has_param("status")) {
    status = model::parse_job_status(req.get_param_value("status"));
    if (!status) {
      return send_error(res, 400, "invalid status \"" + req.get_param_value("status") + "\"");
    }
  }
  std::optional<std::size_t> limit;
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return send_error(res, 400, "invalid limit \"" + text + "\": expected a number");
    }
    limit = std::stoul(text);
  }
  try {
    auto jobs = decode_entries(services.jobs.list(), "job",
                               [](std::string_view text) { return model::parse_job(text); });
    if (status) {
      std::erase_if(jobs, [&](const model::Job& job) { return job.status != *status; });
    }
    if (limit) {  // the most recent first
      std::sort(jobs.begin(), jobs.end(),
                [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
      if (jobs.size() > *limit) jobs.resize(*limit);
    }
    Json out = Json::array();
    for (const auto& job : jobs) out.push_back(model::encode(job));
    send_json(res, 200, out);
  } catch (const Error& e) {
    send_error(res, 500, std::string("listing jobs: ") + e.what());
  }
}

void ApiServer::Impl::post_job(const httplib::Request& req, httplib::Response& res) {
  model::JobRequest request;
  try {
    const bool json_type = req.get_header_value("Content-Type").starts_with("application/json");
    if (!req.body.empty() && !json_type) {
      return send_error(res, 400, "request body must be JSON (Content-Type: application/json)");
    }
    request = model::parse_job_request(req.body.empty() ? std::string_view("{}") : req.body);
  } catch (const Error& e) {
    return send_error(res, 400, e.what());
  }
  if (services.allow) {
    if (auto problem = disallowed_leaf(request.tasks, *services.allow, "")) {
      return send_error(res, 400, *problem);
    }
  }
  auto outcome = services.scheduler.submit(request);
  if (!outcome.accepted()) return send_error(res, outcome.http_status, outcome.error);
  send_json(res, 202, model::encode(*outcome.job));
}

void ApiServer::Impl::cancel_job(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!is_valid_token(id)) return send_error(res, 404, "job " + id + " not found");
  auto outcome = services.scheduler.cancel(id);
  if (outcome.kind != scheduler::CancelResult::Kind::cancelled) {
    return send_error(res, outcome.http_status(), outcome.error);
  }
  send_json(res, 200, Json{{"id", id}, {"status", "cancelled"}});
}

void ApiServer::Impl::install_routes() {
  server->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, Json{{"status", "ok"}});
  });
  server->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    std::optional<std::string> failing;
    if (services.readiness) {
      failing = services.readiness();
    } else if (!services.connection.connected()) {
      failing = "nats: not connected";
    }
    if (failing) return send_json(res, 503, Json{{"status", "unavailable"}, {"error", *failing}});
    send_json(res, 200, Json{{"status", "ready"}});
  });
  server->Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    try {
      auto entry = services.cluster.get("status");
      if (!entry) return send_error(res, 500, "reading cluster status: nats: key not found");
      send_json(res, 200, Json{{"status", entry->value}});
    } catch (const Error& e) {
      send_error(res, 500, std::string("reading cluster status: ") + e.what());
    }
  });
  server->Post("/job", [this](const auto& req, auto& res) { post_job(req, res); });
  server->Get(R"(/job/([^/]+))", [this](const auto& req, auto& res) { get_job(req, res); });
  server->Post(R"(/job/([^/]+)/cancel)",
               [this](const auto& req, auto& res) { cancel_job(req, res); });
  server->Get("/jobs", [this](const auto& req, auto& res) { list_jobs(req, res); });
  server->Get("/nodes", [this](const httplib::Request&, httplib::Response& res) {
    list_bucket(services.nodes, "node", res,
                [](std::string_view text) { return model::parse_node_info(text); });
  });
  server->Get(R"(/node/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    get_entry(services.nodes, "node", req.matches[1], res,
              [](std::string_view text) { return model::parse_node_info(text); });
  });
  server->Get("/controllers", [this](const httplib::Request&, httplib::Response& res) {
    list_bucket(services.controllers, "controller", res,
                [](std::string_view text) { return model::parse_controller_info(text); });
  });
  server->Get("/nats", [this](const httplib::Request&, httplib::Response& res) {
    auto stats = fetch_nats_stats(services.monitoring_url);
    send_json(res, stats.status, stats.body);
  });
}

ApiServer::ApiServer(const config::ApiConfig& config, ApiServices services)
    : impl_(std::make_unique<Impl>(config, std::move(services))) {
  impl_->install_middleware();
  impl_->install_routes();
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::start() {
  auto& s = *impl_;
  const std::string where = s.config.host + ":" + std::to_string(s.config.port);
  if (s.config.port == 0) {
    s.bound_port = s.server->bind_to_any_port(s.config.host);
  } else if (s.server->bind_to_port(s.config.host, s.config.port)) {
    s.bound_port = s.config.port;
  }
  if (s.bound_port <= 0) {
    throw Error("API: cannot listen on " + where +
                " (address in use or not available); set api.host/api.port or api.enabled: false");
  }
  s.thread = std::thread([&s] { s.server->listen_after_bind(); });
  spdlog::info("API listening on {}://{}:{}{}", s.config.tls.cert.empty() ? "http" : "https",
               s.config.host, s.bound_port,
               s.config.tokens.empty() ? "" : " (bearer tokens required)");
}

void ApiServer::stop() {
  auto& s = *impl_;
  if (!s.thread.joinable()) return;
  s.waiter.shutdown();
  s.server->stop();
  s.thread.join();
}

int ApiServer::port() const {
  return impl_->bound_port;
}

}  // namespace grid::api
