// JetStream through one connection: streams, durable pull consumers and publishing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "grid/bus/connection.hpp"
#include "grid/bus/handles.hpp"
#include "grid/bus/message.hpp"
#include "grid/bus/subscription.hpp"
#include "grid/common/timestamp.hpp"

namespace grid::bus {

class NatsError;

enum class Retention { limits, work_queue, interest };
enum class Discard { old_messages, new_messages };
enum class Storage { file, memory };
enum class DeliverPolicy { all, last, new_only, last_per_subject };

struct StreamConfig {
  std::string name;
  std::vector<std::string> subjects;
  Retention retention = Retention::limits;
  Discard discard = Discard::old_messages;
  Duration max_age{};  // 0 = unlimited
  Storage storage = Storage::file;
  int replicas = 1;

  bool operator==(const StreamConfig&) const = default;
};

// A stream's configuration and state as the server reports them.
struct StreamInfo {
  StreamConfig config;
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;
  std::int64_t consumers = 0;
};

// A durable pull consumer with explicit acks. Zero/empty fields take the server default.
struct ConsumerConfig {
  std::string durable;
  std::string filter_subject;  // "" = the whole stream
  DeliverPolicy deliver_policy = DeliverPolicy::all;
  Duration ack_wait{};             // server default 30 s
  std::int64_t max_deliver = -1;   // -1 = unlimited
  std::int64_t max_ack_pending{};  // server default 1000
  Duration inactive_threshold{};   // 0 = never removed for inactivity

  bool operator==(const ConsumerConfig&) const = default;
};

struct ConsumerInfo {
  std::string stream;
  ConsumerConfig config;
  std::uint64_t num_pending = 0;     // stream messages not yet delivered
  std::int64_t num_ack_pending = 0;  // delivered, not yet acknowledged
  std::int64_t num_redelivered = 0;
  std::int64_t num_waiting = 0;  // pull requests waiting
  std::uint64_t ack_floor = 0;   // stream sequence at or below which all is acknowledged
};

enum class EnsureOutcome { created, reused, recreated };

struct JetStreamOptions {
  Duration timeout = std::chrono::seconds(5);  // every JetStream API request and publish ack
  // Called from a nats.c thread for each asynchronous publish the server rejected or did not
  // acknowledge in time (after it has been logged). Must not block.
  std::function<void(const std::string& subject, const NatsError& error)> on_async_publish_error;
};

// A JetStream context on a Connection. Thread-safe: nats.c JetStream contexts may be used
// from several threads at once. KvStores and subscriptions made from it share the context
// and may outlive this object (not the Connection's open state).
// subjects_with_messages() for the classes of the bus module that hold a raw context.
std::vector<std::string> stream_subjects_with_messages(const JsContext& js,
                                                       const std::string& stream,
                                                       const std::string& filter);

class JetStream {
 public:
  explicit JetStream(Connection& connection, JetStreamOptions options = {});
  JetStream(const JetStream&) = delete;
  JetStream& operator=(const JetStream&) = delete;

  // SPEC §4.2 "ensure": creates the stream when it does not exist; an existing stream is used
  // as is, whatever its configuration. Returns the info of the stream in use. Any other
  // failure throws NatsError.
  StreamInfo ensure_stream(const StreamConfig& config);
  // Throws NatsError (is_not_found()) when the stream does not exist.
  StreamInfo stream_info(const std::string& stream);
  // Removes every message of `stream` with a sequence below `sequence`. Throws NatsError.
  void purge_below(const std::string& stream, std::uint64_t sequence);
  // The subjects of `stream` matching `filter` that hold at least one message (one request).
  // Throws NatsError.
  std::vector<std::string> subjects_with_messages(const std::string& stream,
                                                  const std::string& filter);
  // When the newest message on `subject` was stored in `stream`; nullopt when there is none
  // (one request). Throws NatsError on any other failure.
  std::optional<Timestamp> last_message_time(const std::string& stream, const std::string& subject);

  // Synchronous publish: returns the stream sequence once the stream has stored the message.
  std::uint64_t publish(const Message& message);
  std::uint64_t publish(const std::string& subject, std::string_view data);
  // Asynchronous publish: returns once queued; failures reach on_async_publish_error.
  void publish_async(Message message);
  // Waits until every asynchronous publish has been acknowledged or failed; throws NatsError
  // (is_timeout()) when `timeout` passes first.
  void wait_async_acks(Duration timeout);
  // Asynchronous publishes that failed since this context was created.
  std::uint64_t async_publish_errors() const;

  // SPEC D-2 start-up rule: creates the durable when missing, reuses it when its settings
  // match `config`, otherwise deletes and recreates it (logged). Throws NatsError.
  EnsureOutcome ensure_consumer(const std::string& stream, const ConsumerConfig& config);
  // Throws NatsError (is_not_found()) when missing.
  ConsumerInfo consumer_info(const std::string& stream, const std::string& durable);
  // Throws NatsError (is_not_found()) when missing.
  void delete_consumer(const std::string& stream, const std::string& durable);
  std::vector<std::string> consumer_names(const std::string& stream);

  // A pull subscription bound to an existing durable (no consumer is created or deleted).
  PullSubscription pull_subscribe(const std::string& stream, const std::string& durable);

  // The raw handles for the other classes of the bus module. The context retains the
  // connection, so the connection pointer is valid while a copy of the context lives.
  const JsContext& context() const { return js_; }
  natsConnection* connection() const { return connection_; }
  const JetStreamOptions& options() const { return options_; }

 private:
  struct AsyncState;

  JetStreamOptions options_;
  natsConnection* connection_;
  std::shared_ptr<AsyncState> async_;  // also kept alive by js_, whose callbacks use it
  JsContext js_;
};

}  // namespace grid::bus
