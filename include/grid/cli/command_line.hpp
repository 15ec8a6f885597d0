// gridc's command line (SPEC §11.1, §11.2), parsed with CLI11.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "grid/cli/document.hpp"
#include "grid/cli/job_request.hpp"

namespace grid::cli {

// Controller base URL when neither --api nor GRID_API is given.
inline constexpr const char* kDefaultApi = "http://localhost:8765";

enum class Command { kJobRun, kJobGet, kJobList, kJobCancel, kNodeList, kNodeInfo, kStatus };

struct Invocation {
  std::string api = kDefaultApi;  // --api/-a, else GRID_API, else kDefaultApi
  bool debug = false;             // --debug/-d
  std::string token{};            // --token, else GRID_TOKEN: sent as a bearer token
  std::string ca{};               // --ca, else GRID_CA: PEM CA file for https (else system store)
  Command command = Command::kStatus;
  RunArgs run{};                       // job run
  bool wait = false;                   // job run --wait/-w
  std::string id{};                    // job get/cancel, node info
  std::optional<OutputFormat> output;  // -o/--output of list/get commands; nullopt = default
};

// Parses the arguments after the program name. Global flags are accepted before or after the
// command. Returns nullopt after writing help to `out` (--help/-h anywhere: exit 0). Throws
// grid::Error with CLI11's message for every usage error (missing command, unknown flag,
// missing argument, bad -o value).
std::optional<Invocation> parse_command_line(const std::vector<std::string>& args,
                                             std::ostream& out);

}  // namespace grid::cli
