// Locating the nats-server executable and checking its version (SPEC §16 D-1).
#pragma once

#include <compare>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace grid::natsd {

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;
  auto operator<=>(const Version&) const = default;
  std::string str() const;  // "2.9.10"
};

inline constexpr Version kMinimumVersion{2, 9, 0};

// Resolves the binary: `configured` when non-empty (must be an executable file, else
// grid::Error "nats-server binary <path> is not executable"); otherwise the first executable
// `nats-server` in the ':'-separated `path_env`; otherwise `fallback` when executable;
// otherwise grid::Error "nats-server not found: install the nats-server package or set
// nats.server.binary".
std::filesystem::path find_binary(const std::string& configured, std::string_view path_env,
                                  const std::filesystem::path& fallback);

// find_binary with $PATH and /usr/sbin/nats-server.
std::filesystem::path find_binary(const std::string& configured);

// Extracts the version from `--version` output such as "nats-server: v2.9.10".
std::optional<Version> parse_version(std::string_view output);

// Throws grid::Error when `version` is below kMinimumVersion.
void require_supported(const Version& version, const std::filesystem::path& binary);

// Runs `<binary> --version` (no shell, 10 s limit), parses and checks the version and returns
// it. Throws grid::Error when it cannot run, the output is not understood or the version is
// too old. Thread-safe (uses a private libuv loop).
Version check_version(const std::filesystem::path& binary);

}  // namespace grid::natsd
