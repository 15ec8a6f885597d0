#include "grid/bus/subscription.hpp"

#include "grid/bus/error.hpp"

namespace grid::bus {

PullSubscription::PullSubscription(JsContext js, SubscriptionHandle subscription)
    : js_(std::move(js)), subscription_(std::move(subscription)) {}

std::vector<Message> PullSubscription::fetch(int batch, Duration timeout) {
  natsMsgList list{};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  const natsStatus status = natsSubscription_Fetch(&list, subscription_.get(), batch, ms, nullptr);
  MsgListGuard guard(list);
  if (status != NATS_TIMEOUT) check(status, "fetching messages");
  std::vector<Message> messages;
  messages.reserve(static_cast<std::size_t>(list.Count));
  for (int i = 0; i < list.Count; ++i) {
    messages.emplace_back(MsgHandle(list.Msgs[i]));
    list.Msgs[i] = nullptr;  // now owned by `messages`
  }
  return messages;
}

}  // namespace grid::bus
