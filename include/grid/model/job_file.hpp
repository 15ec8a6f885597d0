// YAML job files (SPEC §3.9) read by `gridc job run -f`.
#pragma once

#include <string_view>

#include "grid/model/job.hpp"

namespace grid::model {

// Decodes a job file with the same keys as the JSON request. Unquoted scalar param values
// become text: integers keep their literal text ("50"), booleans become "true"/"false",
// other scalars keep their literal text. Other string fields take any scalar's text.
// Throws grid::Error with "line L, column C" (1-based) for malformed YAML and for values of
// the wrong kind (e.g. a list as a param value, a non-integer max_retries). Does not validate
// the phase tree (see validate_job_request).
JobRequest parse_job_file(std::string_view yaml_text);

}  // namespace grid::model
