// A NATS message: built by the caller for publishing, or received from a JetStream pull
// subscription (then it can be acknowledged).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "grid/bus/handles.hpp"
#include "grid/common/timestamp.hpp"

namespace grid::bus {

// JetStream delivery metadata of a received message.
struct MessageMetadata {
  std::string stream;
  std::string consumer;
  std::uint64_t stream_sequence = 0;
  std::uint64_t consumer_sequence = 0;
  std::uint64_t num_delivered = 0;  // 1 on first delivery
  std::uint64_t num_pending = 0;    // messages left for the consumer after this one
  Timestamp timestamp;              // when the stream stored the message
};

// Owns one natsMsg. Movable, not copyable. Not thread-safe: one thread at a time may use a
// given Message (acks from another thread than the fetcher are fine once it is handed over).
class Message {
 public:
  // A new message to publish (with the subject replies go to, when not empty). Throws
  // NatsError.
  Message(const std::string& subject, std::string_view data, const std::string& reply = {});
  // Takes ownership of a message received by the bus module.
  explicit Message(MsgHandle msg);

  std::string_view subject() const;
  std::string_view data() const;
  std::string_view reply() const;

  // Header lookup is case-sensitive (SPEC §3.5); nullopt when absent.
  std::optional<std::string> header(const std::string& name) const;
  // Every header (first value of each).
  std::map<std::string, std::string> headers() const;
  // Replaces the header's values. Throws NatsError.
  void set_header(const std::string& name, const std::string& value);

  // JetStream metadata, parsed from the reply subject. Throws NatsError when the message did
  // not come from a JetStream consumer.
  MessageMetadata metadata() const;

  // Acknowledgements; each is one write to the server (no round trip). Valid for messages
  // from a JetStream subscription, and for JetStream deliveries received through a core
  // subscription (hand-made pull requests) once acknowledge_through() was called: nats.c's
  // ack functions crash on those (NATS-NOTES), so they are published to the reply subject.
  void ack();
  // Redeliver as soon as possible.
  void nak();
  // Progress (+WPI): restarts the consumer's ack-wait timer; may be sent repeatedly.
  void in_progress();
  // Never redeliver.
  void term();

  // Makes ack/nak/in_progress/term publish +ACK, -NAK, +WPI, +TERM to reply() on
  // `connection` (which must outlive the message).
  void acknowledge_through(natsConnection* connection) { ack_connection_ = connection; }

  // The raw handle for the other classes of the bus module.
  natsMsg* raw() const { return msg_.get(); }
  // Gives the handle up (nats.c takes ownership when publishing asynchronously).
  MsgHandle release() { return std::move(msg_); }

 private:
  void publish_ack(const char* body, const char* what);

  MsgHandle msg_;
  natsConnection* ack_connection_ = nullptr;  // set for deliveries to a core subscription
};

}  // namespace grid::bus
