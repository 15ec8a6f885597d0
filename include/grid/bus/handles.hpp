// Owning smart pointers for the raw handles of nats.c. The bus module is the only code that
// holds nats.c objects; every handle is owned by exactly one of these pointers, so no caller
// ever calls a *_Destroy function. The pointers are as thread-safe as the objects they own
// (connections and JetStream contexts are thread-safe, subscriptions are not).
#pragma once

#include <nats/nats.h>

#include <memory>

namespace grid::bus {

// Calls `Destroy` on the owned pointer; nats.c destroy functions accept nullptr.
template <auto Destroy>
struct Deleter {
  template <typename T>
  void operator()(T* handle) const noexcept {
    Destroy(handle);
  }
};

template <typename T, auto Destroy>
using Handle = std::unique_ptr<T, Deleter<Destroy>>;

using OptionsHandle = Handle<natsOptions, natsOptions_Destroy>;
using ConnectionHandle = Handle<natsConnection, natsConnection_Destroy>;
using SubscriptionHandle = Handle<natsSubscription, natsSubscription_Destroy>;
using MsgHandle = Handle<natsMsg, natsMsg_Destroy>;
using MsgMetaDataHandle = Handle<jsMsgMetaData, jsMsgMetaData_Destroy>;
using StreamInfoHandle = Handle<jsStreamInfo, jsStreamInfo_Destroy>;
using ConsumerInfoHandle = Handle<jsConsumerInfo, jsConsumerInfo_Destroy>;
using ConsumerNamesHandle = Handle<jsConsumerNamesList, jsConsumerNamesList_Destroy>;
using KvStoreHandle = Handle<kvStore, kvStore_Destroy>;
using KvEntryHandle = Handle<kvEntry, kvEntry_Destroy>;
using KvWatcherHandle = Handle<kvWatcher, kvWatcher_Destroy>;
using KvStatusHandle = Handle<kvStatus, kvStatus_Destroy>;

// A JetStream context is shared by the objects created from it (KV stores, subscriptions), so
// it outlives whichever of them is destroyed last.
using JsContext = std::shared_ptr<jsCtx>;

// Destroys every message of a fetched list (and the list's array) when it goes out of scope.
class MsgListGuard {
 public:
  explicit MsgListGuard(natsMsgList& list) : list_(list) {}
  ~MsgListGuard() { natsMsgList_Destroy(&list_); }
  MsgListGuard(const MsgListGuard&) = delete;
  MsgListGuard& operator=(const MsgListGuard&) = delete;

 private:
  natsMsgList& list_;
};

}  // namespace grid::bus
