// YAML job files (SPEC §3.9): parse_job_file either throws grid::Error or gives a request
// that validate_job_request can check; a valid one becomes a pending job.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "grid/common/error.hpp"
#include "grid/model/job.hpp"
#include "grid/model/job_file.hpp"
#include "grid/model/validation.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  grid::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  grid::model::JobRequest request;
  try {
    request = grid::model::parse_job_file(text);
  } catch (const grid::Error&) {
    return 0;
  }
  const auto report = grid::model::validate_job_request(request);
  if (report.ok()) {
    const auto job = grid::model::new_pending_job(request, "job-fuzz", {"n1"}, grid::Timestamp{});
    static_cast<void>(grid::model::to_json_text(job));
  }
  return 0;
}
