#include "readiness.hpp"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace grid::natsd {
namespace {

// The port of the first URL in `urls` ("scheme://host:port"), or 0.
int first_url_port(const nlohmann::json& urls) {
  if (!urls.is_array() || urls.empty() || !urls[0].is_string()) return 0;
  const std::string url = urls[0].get<std::string>();
  const auto colon = url.rfind(':');
  if (colon == std::string::npos) return 0;
  try {
    return std::stoi(url.substr(colon + 1));
  } catch (const std::exception&) {
    return 0;
  }
}

// A connected TCP socket closed on destruction.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

int connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    // SO_SNDTIMEO also bounds connect() on Linux.
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  return fd;
}

// Reads until `text` contains a line starting with `prefix`, or fails.
bool read_until(int fd, std::string& text, std::string_view prefix) {
  char buf[4096];
  while (true) {
    for (size_t pos = 0; pos < text.size();) {
      if (std::string_view(text).substr(pos).starts_with(prefix)) return true;
      if (std::string_view(text).substr(pos).starts_with("-ERR")) return false;
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    text.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

std::filesystem::path ports_file_path(const std::filesystem::path& dir,
                                      const std::filesystem::path& binary, int pid) {
  return dir / (binary.filename().string() + "_" + std::to_string(pid) + ".ports");
}

std::optional<PortsFile> read_ports_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  PortsFile ports{first_url_port(json.value("nats", nlohmann::json())),
                  first_url_port(json.value("monitoring", nlohmann::json()))};
  if (ports.client_port <= 0 || ports.monitoring_port <= 0) return std::nullopt;
  return ports;
}

bool nats_handshake(const std::string& host, int port, std::chrono::milliseconds timeout,
                    const AuthOptions& auth, bool tls_only_info) {
  Socket socket(connect_tcp(host, port, timeout));
  if (socket.fd() < 0) return false;
  std::string received;
  if (!read_until(socket.fd(), received, "INFO ")) return false;
  if (tls_only_info) return true;
  nlohmann::json connect = {{"verbose", false}, {"pedantic", false}, {"name", "grid-probe"}};
  if (!auth.token.empty()) {
    connect["auth_token"] = auth.token;
  } else if (!auth.user.empty()) {
    connect["user"] = auth.user;
    connect["pass"] = auth.password;
  }
  const std::string hello = "CONNECT " + connect.dump() + "\r\nPING\r\n";
  if (::send(socket.fd(), hello.data(), hello.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(hello.size())) {
    return false;
  }
  received.clear();
  return read_until(socket.fd(), received, "PONG");
}

bool jetstream_healthy(const std::string& monitoring_url, std::chrono::milliseconds timeout) {
  httplib::Client client(monitoring_url);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  auto response = client.Get("/healthz?js-enabled-only=true");
  return response && response->status == 200;
}

std::optional<std::string> jetstream_stalled(const std::string& monitoring_url,
                                             std::chrono::milliseconds timeout) {
  httplib::Client client(monitoring_url);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  const auto began = std::chrono::steady_clock::now();
  auto response = client.Get("/jsz");
  if (!response) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - began);
    return "no answer after " + std::to_string(waited.count()) + " ms (" +
           httplib::to_string(response.error()) + ")";
  }
  if (response->status != 200) return "HTTP " + std::to_string(response->status);
  return std::nullopt;
}

}  // namespace grid::natsd
