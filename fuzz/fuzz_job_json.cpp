// JSON model decoding (SPEC §3): a job submission body (POST /job), a stored job (KV `jobs`),
// a TaskResult, a NodeInfo, a ControllerInfo and a command body are decoded from the same
// bytes. Each either throws grid::Error or decodes; a decoded request is validated, and
// encoding is a fixed point: decode(encode(job)) encodes to the same text. (Struct equality
// is too strict: e.g. "attempts":1 decodes to 1 but is omitted when encoded, §3.4.) The
// status peek of the recovery listing runs on every input and agrees with the decoder on the
// encoded text (on raw input it may not: it takes the first of duplicate "status" keys).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "grid/common/error.hpp"
#include "grid/model/command_message.hpp"
#include "grid/model/controller_info.hpp"
#include "grid/model/job.hpp"
#include "grid/model/job_peek.hpp"
#include "grid/model/json.hpp"
#include "grid/model/node_info.hpp"
#include "grid/model/task_result.hpp"
#include "grid/model/validation.hpp"

namespace {

using namespace grid::model;

void job_request(std::string_view text) {
  JobRequest request;
  try {
    request = parse_job_request(text);
  } catch (const grid::Error&) {
    return;
  }
  const auto report = validate_job_request(request);
  if (!report.ok()) return;
  const Job job = new_pending_job(request, "job-fuzz", {"n1", "n2"}, grid::Timestamp{});
  const std::string encoded = to_json_text(job);
  grid::fuzz::check(to_json_text(parse_job(encoded)) == encoded,
                    "new pending job does not survive encode/decode");
}

void stored_job(std::string_view text) {
  static_cast<void>(peek_job_status(text));
  Job job;
  try {
    job = parse_job(text);
  } catch (const grid::Error&) {
    return;
  }
  const std::string encoded = to_json_text(job);
  grid::fuzz::check(to_json_text(parse_job(encoded)) == encoded,
                    "stored job does not survive encode/decode");
  grid::fuzz::check(peek_job_status(encoded) == job.status,
                    "the status peek disagrees with the decoder");
}

template <typename Parse>
void decode_only(Parse parse, std::string_view text) {
  try {
    static_cast<void>(to_json_text(parse(text)));
  } catch (const grid::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  grid::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  job_request(text);
  stored_job(text);
  decode_only([](std::string_view t) { return parse_task_result(t); }, text);
  decode_only([](std::string_view t) { return parse_node_info(t); }, text);
  decode_only([](std::string_view t) { return parse_controller_info(t); }, text);
  try {
    static_cast<void>(decode_command({{"task-index", "1"}, {"timeout", "5m"}}, text));
  } catch (const grid::Error&) {
  }
  return 0;
}
