// Building the body of POST /job from `gridc job run` arguments (SPEC §11.3).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grid/model/job.hpp"
#include "grid/model/json.hpp"

namespace grid::cli {

// `job run` as given on the command line, before any interpretation.
struct RunArgs {
  std::vector<std::string> positionals{};  // backend, action, key=value...
  std::optional<std::string> target{};     // --target/-t, only when given explicitly
  std::string file{};                      // --file/-f; "" = inline form
  std::string strategy{};                  // --strategy/-s; "" = file's value or default
  std::string timeout{};                   // --timeout; "" = file's value or none
};

// Strategy sent when neither -s nor the job file names one.
inline constexpr const char* kDefaultStrategy = "fail-fast";

// The request to submit:
// - inline form: one leaf phase from positionals; backend and action are required ("provide
//   backend and action, or use -f for a job file"), the rest are key=value parameters;
// - file form: the YAML job file (§3.9) read with model::parse_job_file; positionals are
//   refused ("use either -f or backend and action, not both"); the file's target is kept
//   (even when absent) unless -t was given explicitly (BUG-45);
// - -s and --timeout override the file; the strategy is never empty (kDefaultStrategy).
// The target is `all` when -t is absent in the inline form. Throws grid::Error with the
// contract's texts: "reading job file: <err>", "parsing job file: <err>", bad -t or params.
// Values are not validated further: the controller answers 400 with the reason.
model::JobRequest build_job_request(const RunArgs& args);

// {"target":…,"tasks":[…],"strategy":"…"[,"timeout":"…"]} — timeout only when non-empty.
model::OrderedJson encode_job_request(const model::JobRequest& request);

}  // namespace grid::cli
