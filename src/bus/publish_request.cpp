#include "publish_request.hpp"

#include "grid/bus/async_publisher.hpp"
#include "grid/bus/error.hpp"

namespace grid::bus {

std::uint64_t publish_request(natsConnection* connection, const Message& message,
                              Duration timeout) {
  const std::string context = "publishing to " + std::string(message.subject());
  natsMsg* raw = nullptr;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  check(natsConnection_RequestMsg(&raw, connection, message.raw(), ms), context);
  const Message reply{MsgHandle(raw)};
  auto ack = parse_publish_ack(context, reply);
  if (ack.error) throw *ack.error;
  return ack.sequence;
}

}  // namespace grid::bus
