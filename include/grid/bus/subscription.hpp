// A pull subscription bound to an existing durable JetStream consumer.
#pragma once

#include <vector>

#include "grid/bus/handles.hpp"
#include "grid/bus/message.hpp"
#include "grid/common/duration.hpp"

namespace grid::bus {

// Made by JetStream::pull_subscribe. Destroying it leaves the consumer on the server.
// Not thread-safe: nats.c cannot run two fetches on one subscription at once, so each
// subscription belongs to one fetching thread. Messages it returns may be acked from any
// thread.
class PullSubscription {
 public:
  PullSubscription(JsContext js, SubscriptionHandle subscription);
  PullSubscription(PullSubscription&&) noexcept = default;
  PullSubscription& operator=(PullSubscription&&) noexcept = default;

  // Requests up to `batch` messages and waits up to `timeout` for them; returns what arrived
  // (with nats-server 2.9 it returns as soon as the first message is there), empty on timeout.
  // Throws NatsError on other failures (e.g. connection closed).
  std::vector<Message> fetch(int batch, Duration timeout);

 private:
  JsContext js_;  // the subscription's context must outlive it
  SubscriptionHandle subscription_;
};

}  // namespace grid::bus
