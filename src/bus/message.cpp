#include "grid/bus/message.hpp"

#include <cstdlib>

#include "grid/bus/error.hpp"

namespace grid::bus {
namespace {

std::string_view view(const char* text, int length) {
  return text == nullptr ? std::string_view()
                         : std::string_view(text, static_cast<std::size_t>(length));
}

std::string_view view(const char* text) {
  return text == nullptr ? std::string_view() : std::string_view(text);
}

}  // namespace

Message::Message(const std::string& subject, std::string_view data, const std::string& reply) {
  natsMsg* raw = nullptr;
  check(natsMsg_Create(&raw, subject.c_str(), reply.empty() ? nullptr : reply.c_str(), data.data(),
                       static_cast<int>(data.size())),
        "creating message for " + subject);
  msg_.reset(raw);
}

Message::Message(MsgHandle msg) : msg_(std::move(msg)) {}

std::string_view Message::subject() const {
  return view(natsMsg_GetSubject(raw()));
}

std::string_view Message::data() const {
  return view(natsMsg_GetData(raw()), natsMsg_GetDataLength(raw()));
}

std::string_view Message::reply() const {
  return view(natsMsg_GetReply(raw()));
}

std::optional<std::string> Message::header(const std::string& name) const {
  const char* value = nullptr;
  const natsStatus status = natsMsgHeader_Get(raw(), name.c_str(), &value);
  if (status == NATS_NOT_FOUND) return std::nullopt;
  check(status, "reading header " + name);
  return std::string(view(value));
}

std::map<std::string, std::string> Message::headers() const {
  std::map<std::string, std::string> out;
  const char** keys = nullptr;
  int count = 0;
  const natsStatus status = natsMsgHeader_Keys(raw(), &keys, &count);
  if (status == NATS_NOT_FOUND) return out;
  check(status, "listing headers");
  for (int i = 0; i < count; ++i) {
    if (auto value = header(keys[i])) out.emplace(keys[i], std::move(*value));
  }
  std::free(static_cast<void*>(keys));  // the array is allocated by nats.c, the strings are not
  return out;
}

void Message::set_header(const std::string& name, const std::string& value) {
  check(natsMsgHeader_Set(raw(), name.c_str(), value.c_str()), "setting header " + name);
}

MessageMetadata Message::metadata() const {
  jsMsgMetaData* raw_meta = nullptr;
  check(natsMsg_GetMetaData(&raw_meta, raw()), "reading message metadata");
  MsgMetaDataHandle meta(raw_meta);
  return MessageMetadata{
      .stream = std::string(view(meta->Stream)),
      .consumer = std::string(view(meta->Consumer)),
      .stream_sequence = meta->Sequence.Stream,
      .consumer_sequence = meta->Sequence.Consumer,
      .num_delivered = meta->NumDelivered,
      .num_pending = meta->NumPending,
      .timestamp = Timestamp(std::chrono::nanoseconds(meta->Timestamp)),
  };
}

void Message::ack() {
  if (ack_connection_ != nullptr) return publish_ack("+ACK", "acknowledging message");
  check(natsMsg_Ack(raw(), nullptr), "acknowledging message");
}

void Message::nak() {
  if (ack_connection_ != nullptr) return publish_ack("-NAK", "negatively acknowledging message");
  check(natsMsg_Nak(raw(), nullptr), "negatively acknowledging message");
}

void Message::in_progress() {
  if (ack_connection_ != nullptr) return publish_ack("+WPI", "sending progress for message");
  check(natsMsg_InProgress(raw(), nullptr), "sending progress for message");
}

void Message::term() {
  if (ack_connection_ != nullptr) return publish_ack("+TERM", "terminating message");
  check(natsMsg_Term(raw(), nullptr), "terminating message");
}

void Message::publish_ack(const char* body, const char* what) {
  const auto to = reply();
  if (to.empty()) throw NatsError(std::string(what) + ": no reply subject", NATS_INVALID_ARG);
  check(natsConnection_PublishString(ack_connection_, std::string(to).c_str(), body), what);
}

}  // namespace grid::bus
