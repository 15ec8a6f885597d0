#include "grid/cli/http_status.hpp"

namespace grid::cli {

std::string trimmed_body(std::string_view body) {
  auto end = body.find_last_not_of(" \t\r\n");
  return std::string(body.substr(0, end == std::string_view::npos ? 0 : end + 1));
}

void check_api_status(const HttpResponse& response) {
  if (response.status >= 400) {
    throw Error("API error (" + std::to_string(response.status) +
                "): " + trimmed_body(response.body));
  }
}

model::Job decode_job_response(const std::string& request, const std::string& body) {
  try {
    return model::parse_job(body);
  } catch (const Error& e) {
    throw Error(request + ": decoding job: " + e.what());
  }
}

}  // namespace grid::cli
