#include "grid/cli/http_client.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "grid/common/security.hpp"

namespace grid::cli {
namespace {

using Clock = std::chrono::steady_clock;

bool is_unreachable(httplib::Error error) {
  return error == httplib::Error::Connection || error == httplib::Error::ConnectionTimeout;
}

// httplib names only the error class ("Connection"); say it in words.
std::string failure_reason(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection failed: refused, unreachable or unknown host";
    case httplib::Error::ConnectionTimeout:
      return "no connection within " + std::to_string(kConnectTimeout.count()) + "s";
    case httplib::Error::Read:
      return "no complete answer (read failed or timed out)";
    case httplib::Error::Write:
      return "sending the request failed";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLServerVerification:
      return "the controller's certificate was not trusted (set --ca or GRID_CA)";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the CA certificates (--ca/GRID_CA)";
    default:
      return "HTTP client error: " + httplib::to_string(error);
  }
}

template <typename Rep, typename Period>
std::pair<time_t, time_t> seconds_and_micros(std::chrono::duration<Rep, Period> d) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return {static_cast<time_t>(micros / 1'000'000), static_cast<time_t>(micros % 1'000'000)};
}

}  // namespace

ApiClient::ApiClient(std::string base_url, ClientSecurity security)
    : base_url_(std::move(base_url)), security_(std::move(security)) {
  auto scheme_end = base_url_.find("://");
  auto scheme = base_url_.substr(0, scheme_end == std::string::npos ? 0 : scheme_end);
  if ((scheme != "http" && scheme != "https") || base_url_.size() == scheme_end + 3) {
    throw Error("invalid controller URL \"" + base_url_ +
                "\": expected http://host[:port][/prefix]");
  }
  auto path_start = base_url_.find('/', scheme_end + 3);
  origin_ = base_url_.substr(0, path_start);
  prefix_ = path_start == std::string::npos ? "" : base_url_.substr(path_start);
}

HttpResponse ApiClient::get(std::string_view path, std::chrono::milliseconds extra_read_time) {
  return exchange("GET", path, "", extra_read_time);
}

HttpResponse ApiClient::post(std::string_view path, std::string_view json_body) {
  return exchange("POST", path, json_body, std::chrono::milliseconds{0});
}

HttpResponse ApiClient::exchange(std::string_view method, std::string_view path,
                                 std::string_view body, std::chrono::milliseconds extra_read_time) {
  httplib::Client client(origin_);
  if (!client.is_valid()) throw Error("invalid controller URL \"" + base_url_ + "\"");
  auto [connect_s, connect_us] = seconds_and_micros(kConnectTimeout);
  auto [read_s, read_us] = seconds_and_micros(kReadTimeout + extra_read_time);
  client.set_connection_timeout(connect_s, connect_us);
  client.set_read_timeout(read_s, read_us);
  client.set_tcp_nodelay(true);  // headers and body are separate writes (Nagle: +40 ms)
  client.set_write_timeout(connect_s, connect_us);
  if (!security_.token.empty()) client.set_bearer_token_auth(security_.token.c_str());
  if (origin_.starts_with("https://")) {
    client.enable_server_certificate_verification(true);
    // Without --ca, cpp-httplib uses OpenSSL's default verify paths (the system store).
    if (!security_.ca.empty()) client.set_ca_cert_path(security_.ca.c_str());
  }

  auto target = prefix_ + std::string(path);
  auto started = Clock::now();
  auto result = method == "GET" ? client.Get(target)
                                : client.Post(target, body.data(), body.size(), "application/json");
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  auto what = std::string(method) + " " + std::string(path);
  if (!result) {
    auto reason = failure_reason(result.error());
    spdlog::debug("{} {}: {} after {} ms", method, redact_url(base_url_) + std::string(path),
                  reason, elapsed.count());
    if (is_unreachable(result.error())) {
      throw TransportError(what + ": cannot reach the controller at " + redact_url(base_url_) +
                           " (" + reason + "); set --api or GRID_API");
    }
    throw TransportError(what + ": " + reason);
  }
  spdlog::debug("{} {} → {} in {} ms", method, redact_url(base_url_) + std::string(path),
                result->status, elapsed.count());
  if (result->status == 401) {
    throw Error(what + ": the controller refused the request (401 Unauthorized): " +
                (security_.token.empty() ? "it requires an API token; set --token or GRID_TOKEN"
                                         : "the API token was not accepted; check --token or "
                                           "GRID_TOKEN"));
  }
  return {result->status, result->body};
}

}  // namespace grid::cli
