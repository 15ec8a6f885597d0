#include "publish_request.hpp"

#include <nlohmann/json.hpp>

#include "grid/bus/error.hpp"

namespace grid::bus {

std::uint64_t publish_request(natsConnection* connection, const Message& message,
                              Duration timeout) {
  const std::string context = "publishing to " + std::string(message.subject());
  natsMsg* raw = nullptr;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  check(natsConnection_RequestMsg(&raw, connection, message.raw(), ms), context);
  const Message reply{MsgHandle(raw)};
  const auto ack = nlohmann::json::parse(reply.data(), nullptr, /*allow_exceptions=*/false);
  if (ack.is_discarded() || !ack.is_object()) {
    throw NatsError(context, NATS_PROTOCOL_ERROR, {}, "unreadable acknowledgement");
  }
  if (const auto error = ack.find("error"); error != ack.end()) {
    throw NatsError(context, NATS_ERR, static_cast<jsErrCode>(error->value("err_code", 0)),
                    error->value("description", std::string("unknown error")));
  }
  return ack.value("seq", std::uint64_t{0});
}

}  // namespace grid::bus
