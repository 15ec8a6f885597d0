#include "grid/worker/pull_mux.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "grid/bus/error.hpp"
#include "grid/bus/subjects.hpp"

namespace grid::worker {
namespace {

const std::string kStream(bus::kCommandsStream);
constexpr Duration kGrace = std::chrono::seconds(2);  // beyond `expires` before re-issuing
constexpr Duration kFirstBackoff = std::chrono::milliseconds(250);
constexpr Duration kMaxBackoff = std::chrono::seconds(5);
constexpr auto kSweepPeriod = std::chrono::milliseconds(250);

// The durable of a JetStream delivery: $JS.ACK.<stream>.<durable>.<...> (v1 reply format of
// nats-server 2.9), or "" for anything else.
std::string_view durable_of(std::string_view reply) {
  constexpr std::string_view prefix = "$JS.ACK.";
  if (reply.substr(0, prefix.size()) != prefix) return {};
  reply.remove_prefix(prefix.size());
  const auto stream_end = reply.find('.');
  if (stream_end == std::string_view::npos) return {};
  reply.remove_prefix(stream_end + 1);
  return reply.substr(0, reply.find('.'));
}

}  // namespace

PullMux::PullMux(bus::Connection& connection, bus::JetStream& js, std::string inbox,
                 Duration expires)
    : connection_(connection),
      js_(js),
      inbox_(std::move(inbox)),
      expires_(expires),
      request_body_("{\"batch\":1,\"expires\":" +
                    std::to_string(std::chrono::nanoseconds(expires).count()) + "}") {
  subscription_.emplace(connection_, inbox_ + ".*",
                        [this](bus::Message m) { on_message(std::move(m)); });
  sweeper_ = std::thread([this] { sweep(); });
}

PullMux::~PullMux() {
  stop();
  sweeper_.join();
  subscription_.reset();
}

void PullMux::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void PullMux::add(bus::ConsumerConfig config, Deliver deliver) {
  std::lock_guard lock(mutex_);
  auto entry = std::make_unique<Entry>();
  entry->config = std::move(config);
  entry->deliver = std::move(deliver);
  entry->reply = inbox_ + "." + std::to_string(entries_.size());
  by_durable_[entry->config.durable] = entry.get();
  entries_.push_back(std::move(entry));
  if (!stopping_) request(*entries_.back());
}

void PullMux::request(Entry& entry) {
  entry.due = Clock::now() + expires_ + kGrace;
  try {
    connection_.publish_request(
        "$JS.API.CONSUMER.MSG.NEXT." + kStream + "." + entry.config.durable, entry.reply,
        request_body_);
  } catch (const Error& e) {
    spdlog::debug("pull request for {} failed: {}", entry.config.durable, e.what());
    entry.due = Clock::now() + kFirstBackoff;
  }
}

void PullMux::on_message(bus::Message message) {
  Deliver deliver;
  {
    std::lock_guard lock(mutex_);
    const auto durable = durable_of(message.reply());
    if (!durable.empty()) {
      const auto it = by_durable_.find(std::string(durable));
      if (it == by_durable_.end()) return;  // not ours: never acked, redelivered after ack wait
      auto& entry = *it->second;
      entry.backoff = Duration::zero();
      if (!stopping_) request(entry);
      deliver = entry.deliver;
    } else {
      // A status for one request, on its own reply subject <inbox>.<n>.
      const auto subject = message.subject();
      std::size_t index = 0;
      const auto suffix = subject.substr(std::min(subject.size(), inbox_.size() + 1));
      if (std::from_chars(suffix.data(), suffix.data() + suffix.size(), index).ec != std::errc{} ||
          index >= entries_.size()) {
        return;
      }
      auto& entry = *entries_[index];
      const auto status = message.header("Status").value_or("");
      if (status == "503") {  // no responders: the consumer is gone
        entry.missing = true;
        entry.backoff = entry.backoff == Duration::zero() ? kFirstBackoff
                                                          : std::min(entry.backoff * 2, kMaxBackoff);
        entry.due = Clock::now() + entry.backoff;
        wake_.notify_all();
      } else if (!stopping_) {
        request(entry);  // 408 expired, 409 conflict, 404 no messages: ask again
      }
      return;
    }
  }
  message.acknowledge_through(connection_.raw());
  deliver(std::move(message));
}

void PullMux::sweep() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kSweepPeriod);
    if (stopping_) return;
    const auto now = Clock::now();
    for (auto& entry : entries_) {
      if (entry->due > now) continue;
      if (entry->missing) {
        entry->missing = false;
        const auto config = entry->config;
        lock.unlock();
        try {
          js_.ensure_consumer(kStream, config);
          spdlog::warn("consumer {} was missing: created again", config.durable);
        } catch (const Error& e) {
          spdlog::debug("re-creating consumer {} failed: {}", config.durable, e.what());
        }
        lock.lock();
        if (stopping_) return;
      }
      request(*entry);
    }
  }
}

}  // namespace grid::worker
