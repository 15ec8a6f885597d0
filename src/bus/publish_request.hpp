// Bus-internal: a synchronous JetStream publish done as a plain request, because nats.c 3.4.1
// does not report the JetStream error code of a rejected publish (needed to tell a CAS
// conflict, 10071, from other failures).
#pragma once

#include <cstdint>
#include <string>

#include "grid/bus/message.hpp"
#include "grid/common/duration.hpp"

namespace grid::bus {

// Sends `message` and waits up to `timeout` for the stream's acknowledgement; returns the
// stream sequence. Throws NatsError carrying the server's err_code and description.
std::uint64_t publish_request(natsConnection* connection, const Message& message, Duration timeout);

}  // namespace grid::bus
