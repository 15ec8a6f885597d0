// JetStream publishes whose acknowledgement arrives through a callback, so that the
// scheduler's event loop never blocks on a round trip (issue 7). Each publish is a plain
// request to the stream's subject: the reply is the stream's ack (sequence, or the JetStream
// error with its code, e.g. 10071 for a failed compare-and-swap — what nats.c 3.4.1's own
// asynchronous publish does not report).
//
// One wildcard inbox subscription carries every reply; a request is matched by its token.
// At most `max_in_flight` publishes await their ack; later ones wait in a FIFO backlog and go
// out as acks come back (a fan-out of thousands of messages must not flood the server into
// timing them out). A sweeper thread fails requests without a reply within the timeout,
// counted from when each was sent. Callbacks run on the reply subscription's delivery
// thread, on the sweeper thread, or — when a send fails at once — on the thread that was
// sending (possibly the caller of publish()); they must not block and should only hand the
// outcome over (e.g. post it to a loop). They are never called after the destructor has
// returned (unanswered requests are dropped then).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "grid/bus/connection.hpp"
#include "grid/bus/core_subscription.hpp"
#include "grid/bus/error.hpp"
#include "grid/bus/message.hpp"
#include "grid/common/duration.hpp"

namespace grid::bus {

// The outcome of one publish: the stream sequence, or the failure.
struct PublishAck {
  std::uint64_t sequence = 0;
  std::optional<NatsError> error;
};

class AsyncPublisher {
 public:
  using Callback = std::function<void(PublishAck)>;

  static constexpr std::size_t kDefaultMaxInFlight = 256;

  // Subscribes at once (throws NatsError). `timeout` bounds the wait for each ack.
  AsyncPublisher(Connection& connection, Duration timeout,
                 std::size_t max_in_flight = kDefaultMaxInFlight);
  ~AsyncPublisher();
  AsyncPublisher(const AsyncPublisher&) = delete;
  AsyncPublisher& operator=(const AsyncPublisher&) = delete;

  // Sends `message` (or queues it while the window is full); `on_ack` runs exactly once
  // (unless this object is destroyed first). A send failing at once (e.g. connection closed)
  // is reported through the callback too, possibly before publish() returns. Thread-safe.
  void publish(Message message, Callback on_ack);

 private:
  struct Pending {
    std::string subject;
    Callback on_ack;
    std::chrono::steady_clock::time_point deadline;
  };
  struct Waiting {
    Message message;
    Callback on_ack;
  };

  // Sends backlog messages while the window has room.
  void pump();
  void send(std::uint64_t token, const Message& message);
  void on_reply(const Message& reply);
  void sweep();
  // Removes a pending request; nullopt when it is gone already (answered or timed out).
  std::optional<Pending> take(std::uint64_t token);

  natsConnection* connection_;
  Duration timeout_;
  std::size_t max_in_flight_;
  std::string inbox_prefix_;  // "<inbox>." ; the token follows
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::uint64_t, Pending> pending_;  // by token: sent, awaiting the ack
  std::deque<Waiting> backlog_;               // not sent yet, oldest first
  std::uint64_t next_token_ = 0;
  bool stopping_ = false;
  std::optional<CoreSubscription> replies_;
  std::thread sweeper_;
};

// The stream sequence of a publish ack body, or the NatsError it carries (err_code and
// description) or describes (unreadable body). `context` prefixes the error text.
PublishAck parse_publish_ack(const std::string& context, const Message& reply);

}  // namespace grid::bus
