// The status of a stored job read from its JSON text without decoding the rest: listings that
// want only the jobs not yet terminal (the recovery scan, the start-up recovery) skip the
// others at a fraction of parse_job's cost. Jobs are never deleted (SPEC BUG-24), so such a
// listing grows with the whole history.
#pragma once

#include <optional>
#include <string_view>

#include "grid/model/job_status.hpp"

namespace grid::model {

// The first top-level "status" of `text`, reading only as far as that field; nullopt when the text
// is not a JSON object with a known status string there (parse_job then says what is wrong).
std::optional<JobStatus> peek_job_status(std::string_view text);

}  // namespace grid::model
