// Interpreting the controller's answers (SPEC §11.2): HTTP errors and response bodies.
#pragma once

#include <string>
#include <string_view>

#include "grid/cli/http_client.hpp"
#include "grid/model/job.hpp"

namespace grid::cli {

// Throws grid::Error "API error (<code>): <body>" (trailing whitespace of the body trimmed)
// for a status ≥ 400.
void check_api_status(const HttpResponse& response);

// `body` without trailing whitespace (JSON bodies end with a newline).
std::string trimmed_body(std::string_view body);

// Decodes a Job response; throws grid::Error "<request>: decoding job: <reason>".
model::Job decode_job_response(const std::string& request, const std::string& body);

}  // namespace grid::cli
