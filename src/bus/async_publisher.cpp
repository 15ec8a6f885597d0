#include "grid/bus/async_publisher.hpp"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace grid::bus {
namespace {

std::string new_inbox() {
  natsInbox* raw = nullptr;
  check(natsInbox_Create(&raw), "creating an inbox");
  std::string inbox(raw);
  natsInbox_Destroy(raw);
  return inbox;
}

std::string context_of(std::string_view subject) {
  return "publishing to " + std::string(subject);
}

}  // namespace

PublishAck parse_publish_ack(const std::string& context, const Message& reply) {
  if (natsMsg_IsNoResponders(reply.raw())) {
    return {0, NatsError(context, NATS_NO_RESPONDERS, {},
                         "no stream stores this subject (JetStream down or stream missing)")};
  }
  const auto unreadable = [&](const char* why) {
    return PublishAck{0, NatsError(context, NATS_PROTOCOL_ERROR, {}, why)};
  };
  const auto ack = nlohmann::json::parse(reply.data(), nullptr, /*allow_exceptions=*/false);
  if (ack.is_discarded() || !ack.is_object()) return unreadable("unreadable acknowledgement");
  if (const auto error = ack.find("error"); error != ack.end() && error->is_object()) {
    const auto code = error->find("err_code");
    const auto description = error->find("description");
    return {0, NatsError(context, NATS_ERR,
                         code != error->end() && code->is_number_integer()
                             ? static_cast<jsErrCode>(code->get<int>())
                             : jsErrCode{},
                         description != error->end() && description->is_string()
                             ? description->get<std::string>()
                             : std::string("unknown error"))};
  }
  const auto seq = ack.find("seq");
  if (seq == ack.end() || !seq->is_number_unsigned()) {
    return unreadable("acknowledgement without a sequence");
  }
  return {seq->get<std::uint64_t>(), std::nullopt};
}

AsyncPublisher::AsyncPublisher(Connection& connection, Duration timeout,
                               std::size_t max_in_flight)
    : connection_(connection.raw()),
      timeout_(timeout),
      max_in_flight_(std::max<std::size_t>(1, max_in_flight)),
      inbox_prefix_(new_inbox() + ".") {
  replies_.emplace(connection, inbox_prefix_ + "*",
                   [this](Message reply) { on_reply(reply); });
  sweeper_ = std::thread([this] { sweep(); });
}

AsyncPublisher::~AsyncPublisher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    pending_.clear();
    backlog_.clear();
  }
  wake_.notify_all();
  sweeper_.join();
  replies_.reset();  // waits until a running reply callback has returned
}

void AsyncPublisher::publish(Message message, Callback on_ack) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    backlog_.push_back(Waiting{std::move(message), std::move(on_ack)});
  }
  pump();
}

void AsyncPublisher::pump() {
  while (true) {
    std::optional<Waiting> next;
    std::uint64_t token = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || backlog_.empty() || pending_.size() >= max_in_flight_) return;
      next.emplace(std::move(backlog_.front()));
      backlog_.pop_front();
      token = next_token_++;
      pending_.emplace(token, Pending{std::string(next->message.subject()), std::move(next->on_ack),
                                      std::chrono::steady_clock::now() + timeout_});
    }
    send(token, next->message);
  }
}

void AsyncPublisher::send(std::uint64_t token, const Message& message) {
  natsStatus status = NATS_OK;
  try {
    Message request(std::string(message.subject()), message.data(),
                    inbox_prefix_ + std::to_string(token));
    for (const auto& [name, value] : message.headers()) request.set_header(name, value);
    status = natsConnection_PublishMsg(connection_, request.raw());
  } catch (const NatsError& e) {
    status = e.status();
  }
  if (status == NATS_OK) return;
  // No refill here: send() runs inside pump()'s loop, which goes on with the backlog.
  if (auto failed = take(token)) failed->on_ack({0, NatsError(context_of(failed->subject), status)});
}

std::optional<AsyncPublisher::Pending> AsyncPublisher::take(std::uint64_t token) {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(token);
  if (it == pending_.end()) return std::nullopt;
  Pending found = std::move(it->second);
  pending_.erase(it);
  return found;
}

void AsyncPublisher::on_reply(const Message& reply) {
  const std::string_view subject = reply.subject();
  const std::string_view digits = subject.substr(std::min(subject.size(), inbox_prefix_.size()));
  std::uint64_t token = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), token);
  if (ec != std::errc() || end != digits.data() + digits.size()) return;
  auto pending = take(token);
  if (!pending) return;  // timed out already
  pump();
  pending->on_ack(parse_publish_ack(context_of(pending->subject), reply));
}

// Every request has the same timeout, so deadlines grow with the token: the first pending
// request is always the next to expire, and a request added while the sweeper sleeps
// expires after the sweeper's wake-up time.
void AsyncPublisher::sweep() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    if (pending_.empty() || pending_.begin()->second.deadline > now) {
      wake_.wait_until(lock, pending_.empty() ? now + timeout_ : pending_.begin()->second.deadline);
      continue;
    }
    Pending overdue = std::move(pending_.begin()->second);
    pending_.erase(pending_.begin());
    lock.unlock();
    pump();
    overdue.on_ack({0, NatsError(context_of(overdue.subject), NATS_TIMEOUT, {},
                                 "no acknowledgement within the timeout")});
    lock.lock();
  }
}

}  // namespace grid::bus
