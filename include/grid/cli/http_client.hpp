// The controller's HTTP API as gridc sees it (SPEC §10, §11.1): plain requests, raw answers.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "grid/common/error.hpp"

namespace grid::cli {

struct HttpResponse {
  int status = 0;
  std::string body{};
};

// A request that got no HTTP answer. what() is the whole gridc message with the §11.2 prefix:
// "GET /jobs: cannot reach the controller at http://x:8765 (Connection refused); set --api or
// GRID_API" when the connection could not be made, "GET /jobs: <reason>" otherwise.
class TransportError : public Error {
 public:
  using Error::Error;
};

// Connect timeout of every request.
inline constexpr std::chrono::seconds kConnectTimeout{5};
// Read timeout of a plain request; long-poll requests add their wait to it.
inline constexpr std::chrono::seconds kReadTimeout{30};

// How gridc authenticates to the controller and checks its certificate.
struct ClientSecurity {
  std::string token{};  // bearer token; "" = none
  std::string ca{};     // PEM CA file for https; "" = the system trust store
};

// Talks to one controller. The request URL is the base URL followed by the path, without any
// normalisation (a base of "http://h:8765/api" and path "/jobs" give "http://h:8765/api/jobs").
// Not thread-safe; one connection per request.
class ApiClient {
 public:
  // `base_url` is `scheme://host[:port][/prefix]`; http and https are supported. Throws
  // grid::Error for anything else ("invalid controller URL \"…\"").
  // A 401 answer throws grid::Error naming --token/GRID_TOKEN.
  explicit ApiClient(std::string base_url, ClientSecurity security = {});

  // `path` starts with '/' and may carry a query. `extra_read_time` lengthens the read
  // timeout (long-poll). Any HTTP status is returned; only transport failures throw
  // TransportError.
  HttpResponse get(std::string_view path,
                   std::chrono::milliseconds extra_read_time = std::chrono::milliseconds{0});
  // POSTs `json_body` with Content-Type application/json.
  HttpResponse post(std::string_view path, std::string_view json_body);

 private:
  HttpResponse exchange(std::string_view method, std::string_view path, std::string_view body,
                        std::chrono::milliseconds extra_read_time);

  std::string base_url_;
  ClientSecurity security_;
  std::string origin_;  // scheme://host[:port]
  std::string prefix_;  // path part of the base URL, prepended verbatim
};

}  // namespace grid::cli
