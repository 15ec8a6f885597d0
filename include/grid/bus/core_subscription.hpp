// A core (non-JetStream) NATS subscription with an asynchronous callback. Used where a
// long-lived listener is cheaper than a JetStream consumer: the scheduler's one results
// subscription per controller (SPEC §4.4, BUG-54) sees every result a worker publishes into
// the `results` stream, because core subscribers receive stream-captured subjects too.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "grid/bus/connection.hpp"
#include "grid/bus/message.hpp"

namespace grid::bus {

namespace detail {
struct CoreSubscriptionState;
}

// Subscribes in the constructor (throws NatsError); unsubscribes in the destructor and waits
// until the callback has returned for the last time, so whatever the callback uses may be
// freed right after. Messages arrive in order on one nats.c delivery thread. Received
// messages must not be acked (they are not JetStream deliveries, NATS-NOTES).
// Not copyable or movable; construct and destroy it on one thread.
class CoreSubscription {
 public:
  using Callback = std::function<void(Message)>;

  CoreSubscription(Connection& connection, const std::string& subject, Callback on_message);
  ~CoreSubscription();
  CoreSubscription(const CoreSubscription&) = delete;
  CoreSubscription& operator=(const CoreSubscription&) = delete;

 private:
  detail::CoreSubscriptionState* state_;  // freed by the destructor once nats.c reported completion
};

}  // namespace grid::bus
