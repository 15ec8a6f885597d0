#include "grid/bus/error.hpp"

#include <nats/nats.h>

namespace grid::bus {
namespace {

std::string describe(const std::string& context, natsStatus status, jsErrCode js_code,
                     const std::string& given_detail) {
  std::string text = context + ": " + natsStatus_GetText(status);
  if (js_code != 0) text += " (JetStream error " + std::to_string(js_code) + ")";
  if (!given_detail.empty()) return text + ": " + given_detail;
  // nats.c keeps the detail of the last failure of this thread (e.g. the server's description).
  // Only trust it when it belongs to this status, it may be stale otherwise.
  natsStatus detail_status = NATS_OK;
  const char* detail = nats_GetLastError(&detail_status);
  if (detail_status == status && detail != nullptr && *detail != '\0' &&
      text.find(detail) == std::string::npos) {
    text += std::string(": ") + detail;
  }
  return text;
}

}  // namespace

NatsError::NatsError(const std::string& context, natsStatus status, jsErrCode js_code,
                     const std::string& detail)
    : NatsError(Described{}, describe(context, status, js_code, detail), status, js_code, false) {}

NatsError::NatsError(Described, const std::string& what, natsStatus status, jsErrCode js_code,
                     bool already_exists)
    : Error(what), status_(status), js_code_(js_code), already_exists_(already_exists) {}

NatsError NatsError::already_exists(const std::string& context) {
  return NatsError(Described{}, context + ": key already exists", NATS_ERR,
                   JSStreamWrongLastSequenceErr, true);
}

bool NatsError::is_not_found() const {
  return status_ == NATS_NOT_FOUND || js_code_ == JSStreamNotFoundErr ||
         js_code_ == JSConsumerNotFoundErr || js_code_ == JSNoMessageFoundErr;
}

bool NatsError::is_cas_conflict() const {
  return !already_exists_ && js_code_ == JSStreamWrongLastSequenceErr;
}

bool NatsError::is_timeout() const {
  return status_ == NATS_TIMEOUT;
}

void check(natsStatus status, const std::string& context, jsErrCode js_code) {
  if (status != NATS_OK) throw NatsError(context, status, js_code);
}

}  // namespace grid::bus
