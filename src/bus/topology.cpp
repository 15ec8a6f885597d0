#include "grid/bus/topology.hpp"

namespace grid::bus {
namespace {

StreamConfig stream(std::string_view name, std::string_view subjects, Retention retention,
                    int replicas) {
  return StreamConfig{
      .name = std::string(name),
      .subjects = {std::string(subjects)},
      .retention = retention,
      .discard = Discard::old_messages,
      .max_age = kStreamMaxAge,
      .storage = Storage::file,
      .replicas = replicas,
  };
}

}  // namespace

StreamConfig commands_stream_config(int replicas) {
  return stream(kCommandsStream, kCommandsStreamSubjects, Retention::limits, replicas);
}

StreamConfig results_stream_config(int replicas) {
  return stream(kResultsStream, kResultsStreamSubjects, Retention::limits, replicas);
}

StreamConfig requests_stream_config(int replicas) {
  return stream(kRequestsStream, kRequestsStreamSubjects, Retention::work_queue, replicas);
}

ConsumerConfig scheduler_consumer_config() {
  return ConsumerConfig{
      .durable = std::string(kSchedulerDurable),
      .filter_subject = "",
      .deliver_policy = DeliverPolicy::all,
      .ack_wait = kAckWait,
      .max_deliver = -1,
      .max_ack_pending = 0,
      .inactive_threshold = Duration::zero(),
  };
}

ConsumerConfig worker_consumer_config(const WorkerConsumer& consumer, Duration inactive_threshold) {
  return ConsumerConfig{
      .durable = consumer.durable,
      .filter_subject = consumer.filter,
      .deliver_policy = DeliverPolicy::new_only,
      .ack_wait = kAckWait,
      .max_deliver = -1,
      .max_ack_pending = 1,
      .inactive_threshold = inactive_threshold,
  };
}

}  // namespace grid::bus
