#include "grid/bus/core_subscription.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "grid/bus/error.hpp"

namespace grid::bus {

namespace detail {
struct CoreSubscriptionState {
  CoreSubscription::Callback callback;
  SubscriptionHandle subscription;
  std::mutex mutex;
  std::condition_variable cv;
  bool completed = false;
};
}  // namespace detail

namespace {

constexpr auto kCompletionWait = std::chrono::seconds(5);

void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* state = static_cast<detail::CoreSubscriptionState*>(closure);
  Message message{MsgHandle(msg)};
  try {
    state->callback(std::move(message));
  } catch (const std::exception& e) {
    spdlog::error("subscription callback failed: {}", e.what());
  }
}

void on_complete(void* closure) {
  auto* state = static_cast<detail::CoreSubscriptionState*>(closure);
  std::lock_guard lock(state->mutex);
  state->completed = true;
  state->cv.notify_all();
}

}  // namespace

CoreSubscription::CoreSubscription(Connection& connection, const std::string& subject,
                                   Callback on_message_cb)
    : state_(new detail::CoreSubscriptionState{}) {
  state_->callback = std::move(on_message_cb);
  natsSubscription* raw = nullptr;
  const natsStatus status =
      natsConnection_Subscribe(&raw, connection.raw(), subject.c_str(), on_message, state_);
  if (status != NATS_OK) {
    delete state_;
    check(status, "subscribing to " + subject);
  }
  state_->subscription.reset(raw);
  check(natsSubscription_SetOnCompleteCB(raw, on_complete, state_),
        "setting completion of " + subject);
}

CoreSubscription::~CoreSubscription() {
  // On a closed connection the subscription is already closed; completion still comes.
  natsSubscription_Unsubscribe(state_->subscription.get());
  std::unique_lock lock(state_->mutex);
  if (!state_->cv.wait_for(lock, kCompletionWait, [this] { return state_->completed; })) {
    // Freeing the state could crash a late callback: leak it instead (logged, never expected).
    spdlog::error("subscription did not complete within {} s; leaking its state",
                  kCompletionWait.count());
    return;
  }
  lock.unlock();
  state_->subscription.reset();
  delete state_;
}

}  // namespace grid::bus
