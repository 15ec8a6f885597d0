// Free space of a JetStream store directory. nats-server (2.9.10, Debian 12) stops answering
// JetStream requests (pings and /healthz still answer) once a write of its file store fails
// for lack of space; started on a full directory it cannot write its ports file and limits
// JetStream to the few bytes free, for good. GRID therefore checks the space before it starts
// or restarts a managed server and names a full store in the errors of JetStream calls that
// fail, instead of reporting bare timeouts. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace grid {

// Below this many free bytes the store counts as full: JetStream cannot write its streams and
// consumer state reliably any more.
inline constexpr std::uint64_t kMinStoreFreeBytes = 1024 * 1024;

// "JetStream store <dir> is full (<n> bytes free, at least 1 MiB needed)" when the file
// system of `dir` (of its nearest existing parent while `dir` does not exist) has less than
// kMinStoreFreeBytes available; nullopt otherwise, and when the space cannot be read.
std::optional<std::string> store_space_problem(const std::filesystem::path& dir);

}  // namespace grid
