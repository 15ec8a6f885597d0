#include "grid/bus/jetstream.hpp"

#include <spdlog/spdlog.h>

#include <atomic>

#include "grid/bus/error.hpp"
#include "publish_request.hpp"

namespace grid::bus {
namespace {

int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

jsRetentionPolicy to_nats(Retention r) {
  switch (r) {
    case Retention::work_queue:
      return js_WorkQueuePolicy;
    case Retention::interest:
      return js_InterestPolicy;
    case Retention::limits:
      break;
  }
  return js_LimitsPolicy;
}

Retention from_nats(jsRetentionPolicy r) {
  switch (r) {
    case js_WorkQueuePolicy:
      return Retention::work_queue;
    case js_InterestPolicy:
      return Retention::interest;
    case js_LimitsPolicy:
      break;
  }
  return Retention::limits;
}

jsDeliverPolicy to_nats(DeliverPolicy p) {
  switch (p) {
    case DeliverPolicy::last:
      return js_DeliverLast;
    case DeliverPolicy::new_only:
      return js_DeliverNew;
    case DeliverPolicy::last_per_subject:
      return js_DeliverLastPerSubject;
    case DeliverPolicy::all:
      break;
  }
  return js_DeliverAll;
}

DeliverPolicy from_nats(jsDeliverPolicy p) {
  switch (p) {
    case js_DeliverLast:
      return DeliverPolicy::last;
    case js_DeliverNew:
      return DeliverPolicy::new_only;
    case js_DeliverLastPerSubject:
      return DeliverPolicy::last_per_subject;
    default:
      return DeliverPolicy::all;
  }
}

StreamInfo to_stream_info(const jsStreamInfo& si) {
  const jsStreamConfig& c = *si.Config;
  StreamConfig config{
      .name = c.Name,
      .subjects = {},
      .retention = from_nats(c.Retention),
      .discard = c.Discard == js_DiscardNew ? Discard::new_messages : Discard::old_messages,
      .max_age = Duration(c.MaxAge),
      .storage = c.Storage == js_MemoryStorage ? Storage::memory : Storage::file,
      .replicas = static_cast<int>(c.Replicas),
  };
  for (int i = 0; i < c.SubjectsLen; ++i) config.subjects.emplace_back(c.Subjects[i]);
  return StreamInfo{
      .config = std::move(config),
      .messages = si.State.Msgs,
      .bytes = si.State.Bytes,
      .first_sequence = si.State.FirstSeq,
      .last_sequence = si.State.LastSeq,
      .consumers = si.State.Consumers,
  };
}

ConsumerInfo to_consumer_info(const jsConsumerInfo& ci) {
  const jsConsumerConfig& c = *ci.Config;
  return ConsumerInfo{
      .stream = ci.Stream,
      .config =
          ConsumerConfig{
              .durable = c.Durable != nullptr ? c.Durable : ci.Name,
              .filter_subject = c.FilterSubject != nullptr ? c.FilterSubject : "",
              .deliver_policy = from_nats(c.DeliverPolicy),
              .ack_wait = Duration(c.AckWait),
              .max_deliver = c.MaxDeliver,
              .max_ack_pending = c.MaxAckPending,
              .inactive_threshold = Duration(c.InactiveThreshold),
          },
      .num_pending = ci.NumPending,
      .num_ack_pending = ci.NumAckPending,
      .num_redelivered = ci.NumRedelivered,
      .num_waiting = ci.NumWaiting,
      .ack_floor = ci.AckFloor.Stream,
  };
}

// Whether an existing consumer can serve as `wanted`; unset (zero) fields of `wanted` accept
// whatever default the server applied.
bool compatible(const ConsumerConfig& wanted, const ConsumerConfig& actual) {
  auto same_or_default = [](auto want, auto have) {
    return want == decltype(want){} || want == have;
  };
  return wanted.filter_subject == actual.filter_subject &&
         wanted.deliver_policy == actual.deliver_policy &&
         same_or_default(wanted.ack_wait, actual.ack_wait) &&
         wanted.max_deliver == actual.max_deliver &&
         same_or_default(wanted.max_ack_pending, actual.max_ack_pending) &&
         wanted.inactive_threshold == actual.inactive_threshold;
}

}  // namespace

struct JetStream::AsyncState {
  std::function<void(const std::string&, const NatsError&)> on_error;
  std::atomic<std::uint64_t> errors{0};
};

JetStream::JetStream(Connection& connection, JetStreamOptions options)
    : options_(std::move(options)),
      connection_(connection.raw()),
      async_(std::make_shared<AsyncState>()) {
  async_->on_error = options_.on_async_publish_error;
  jsOptions opts;
  check(jsOptions_Init(&opts), "initialising JetStream options");
  opts.Wait = to_ms(options_.timeout);
  opts.PublishAsync.ErrHandler = [](jsCtx*, jsPubAckErr* failure, void* closure) {
    auto& state = *static_cast<AsyncState*>(closure);
    state.errors.fetch_add(1);
    const char* subject = natsMsg_GetSubject(failure->Msg);
    const NatsError error(std::string("asynchronous publish to ") + (subject ? subject : "?"),
                          failure->Err, failure->ErrCode);
    spdlog::warn("{}", error.what());
    if (state.on_error) state.on_error(subject ? subject : "", error);
  };
  opts.PublishAsync.ErrHandlerClosure = async_.get();
  jsCtx* raw = nullptr;
  check(natsConnection_JetStream(&raw, connection.raw(), &opts), "creating JetStream context");
  // The deleter keeps the callback state alive and lets pending acks settle first, so no
  // callback can reach freed state.
  const Duration timeout = options_.timeout;
  js_ = JsContext(raw, [state = async_, timeout](jsCtx* js) {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = to_ms(timeout);
    js_PublishAsyncComplete(js, &po);
    jsCtx_Destroy(js);
  });
}

StreamInfo JetStream::stream_info(const std::string& stream) {
  jsStreamInfo* raw = nullptr;
  jsErrCode code{};
  check(js_GetStreamInfo(&raw, js_.get(), stream.c_str(), nullptr, &code),
        "getting " + stream + " stream", code);
  StreamInfoHandle info(raw);
  return to_stream_info(*info);
}

StreamInfo JetStream::ensure_stream(const StreamConfig& config) {
  try {
    return stream_info(config.name);
  } catch (const NatsError& e) {
    if (!e.is_not_found()) throw;
  }
  std::vector<const char*> subjects;
  for (const auto& s : config.subjects) subjects.push_back(s.c_str());
  jsStreamConfig cfg;
  check(jsStreamConfig_Init(&cfg), "initialising stream config");
  cfg.Name = config.name.c_str();
  cfg.Subjects = subjects.data();
  cfg.SubjectsLen = static_cast<int>(subjects.size());
  cfg.Retention = to_nats(config.retention);
  cfg.Discard = config.discard == Discard::new_messages ? js_DiscardNew : js_DiscardOld;
  cfg.MaxAge = config.max_age.count();
  cfg.Storage = config.storage == Storage::memory ? js_MemoryStorage : js_FileStorage;
  cfg.Replicas = config.replicas;
  jsStreamInfo* raw = nullptr;
  jsErrCode code{};
  const natsStatus status = js_AddStream(&raw, js_.get(), &cfg, nullptr, &code);
  StreamInfoHandle info(raw);
  // Another process may have created it in between: use theirs, as if it had existed.
  if (code == JSStreamNameExistErr) return stream_info(config.name);
  check(status, "creating " + config.name + " stream", code);
  spdlog::info("created JetStream stream {}", config.name);
  return to_stream_info(*info);
}

std::uint64_t JetStream::publish(const Message& message) {
  return publish_request(connection_, message, options_.timeout);
}

std::uint64_t JetStream::publish(const std::string& subject, std::string_view data) {
  return publish(Message(subject, data));
}

void JetStream::publish_async(Message message) {
  MsgHandle msg = message.release();
  natsMsg* raw = msg.get();
  const std::string subject(natsMsg_GetSubject(raw));
  check(js_PublishMsgAsync(js_.get(), &raw, nullptr), "publishing asynchronously to " + subject);
  // On success nats.c took the message over and cleared `raw`.
  if (raw == nullptr) (void)msg.release();
}

void JetStream::wait_async_acks(Duration timeout) {
  jsPubOptions po;
  check(jsPubOptions_Init(&po), "initialising publish options");
  po.MaxWait = to_ms(timeout);
  check(js_PublishAsyncComplete(js_.get(), &po), "waiting for asynchronous publish acks");
}

std::uint64_t JetStream::async_publish_errors() const {
  return async_->errors.load();
}

ConsumerInfo JetStream::consumer_info(const std::string& stream, const std::string& durable) {
  jsConsumerInfo* raw = nullptr;
  jsErrCode code{};
  check(js_GetConsumerInfo(&raw, js_.get(), stream.c_str(), durable.c_str(), nullptr, &code),
        "getting consumer " + durable + " of " + stream, code);
  ConsumerInfoHandle info(raw);
  return to_consumer_info(*info);
}

void JetStream::purge_below(const std::string& stream, std::uint64_t sequence) {
  jsOptions options;
  check(jsOptions_Init(&options), "initialising purge options");
  options.Stream.Purge.Sequence = sequence;
  jsErrCode code{};
  check(js_PurgeStream(js_.get(), stream.c_str(), &options, &code),
        "purging " + stream + " below sequence " + std::to_string(sequence), code);
}

std::vector<std::string> stream_subjects_with_messages(const JsContext& js,
                                                       const std::string& stream,
                                                       const std::string& filter) {
  const std::string context = "listing the subjects " + filter + " of stream " + stream;
  jsOptions options;
  check(jsOptions_Init(&options), context);
  options.Stream.Info.SubjectsFilter = filter.c_str();
  jsStreamInfo* raw_info = nullptr;
  jsErrCode code{};
  check(js_GetStreamInfo(&raw_info, js.get(), stream.c_str(), &options, &code), context, code);
  StreamInfoHandle info(raw_info);
  std::vector<std::string> subjects;
  if (info->State.Subjects == nullptr) return subjects;
  subjects.reserve(static_cast<std::size_t>(info->State.Subjects->Count));
  for (int i = 0; i < info->State.Subjects->Count; ++i) {
    subjects.emplace_back(info->State.Subjects->List[i].Subject);
  }
  return subjects;
}

std::vector<std::string> JetStream::subjects_with_messages(const std::string& stream,
                                                           const std::string& filter) {
  return stream_subjects_with_messages(js_, stream, filter);
}

std::optional<Timestamp> JetStream::last_message_time(const std::string& stream,
                                                      const std::string& subject) {
  natsMsg* raw = nullptr;
  jsErrCode code{};
  const natsStatus status = js_GetLastMsg(&raw, js_.get(), stream.c_str(), subject.c_str(),
                                          nullptr, &code);
  MsgHandle message(raw);
  if (code == JSNoMessageFoundErr) return std::nullopt;
  check(status, "reading the last message of " + subject + " in stream " + stream, code);
  return Timestamp(std::chrono::nanoseconds(natsMsg_GetTime(message.get())));
}

void JetStream::delete_consumer(const std::string& stream, const std::string& durable) {
  jsErrCode code{};
  check(js_DeleteConsumer(js_.get(), stream.c_str(), durable.c_str(), nullptr, &code),
        "deleting consumer " + durable + " of " + stream, code);
}

std::vector<std::string> JetStream::consumer_names(const std::string& stream) {
  jsConsumerNamesList* raw = nullptr;
  jsErrCode code{};
  const natsStatus status = js_ConsumerNames(&raw, js_.get(), stream.c_str(), nullptr, &code);
  ConsumerNamesHandle list(raw);
  // nats.c reports an empty list as "not found" without a JetStream error.
  if (status == NATS_NOT_FOUND && code == 0) return {};
  check(status, "listing consumers of " + stream, code);
  return std::vector<std::string>(list->List, list->List + list->Count);
}

EnsureOutcome JetStream::ensure_consumer(const std::string& stream, const ConsumerConfig& config) {
  auto outcome = EnsureOutcome::created;
  try {
    const ConsumerInfo existing = consumer_info(stream, config.durable);
    if (compatible(config, existing.config)) return EnsureOutcome::reused;
    spdlog::warn("consumer {} of {} has a conflicting configuration, recreating it", config.durable,
                 stream);
    delete_consumer(stream, config.durable);
    outcome = EnsureOutcome::recreated;
  } catch (const NatsError& e) {
    if (!e.is_not_found()) throw;
  }
  jsConsumerConfig cfg;
  check(jsConsumerConfig_Init(&cfg), "initialising consumer config");
  cfg.Durable = config.durable.c_str();
  cfg.FilterSubject = config.filter_subject.empty() ? nullptr : config.filter_subject.c_str();
  cfg.DeliverPolicy = to_nats(config.deliver_policy);
  cfg.AckPolicy = js_AckExplicit;
  cfg.AckWait = config.ack_wait.count();
  cfg.MaxDeliver = config.max_deliver;
  cfg.MaxAckPending = config.max_ack_pending;
  cfg.InactiveThreshold = config.inactive_threshold.count();
  cfg.ReplayPolicy = js_ReplayInstant;
  jsConsumerInfo* raw = nullptr;
  jsErrCode code{};
  const natsStatus status = js_AddConsumer(&raw, js_.get(), stream.c_str(), &cfg, nullptr, &code);
  ConsumerInfoHandle info(raw);
  check(status, "creating consumer " + config.durable + " of " + stream, code);
  return outcome;
}

PullSubscription JetStream::pull_subscribe(const std::string& stream, const std::string& durable) {
  jsSubOptions so;
  check(jsSubOptions_Init(&so), "initialising subscribe options");
  so.Stream = stream.c_str();
  so.Consumer = durable.c_str();
  natsSubscription* raw = nullptr;
  jsErrCode code{};
  check(js_PullSubscribe(&raw, js_.get(), nullptr, durable.c_str(), nullptr, &so, &code),
        "binding to consumer " + durable + " of " + stream, code);
  return PullSubscription(js_, SubscriptionHandle(raw));
}

}  // namespace grid::bus
