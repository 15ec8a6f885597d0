// A live copy of KV `nodes` for target resolution at admission (SPEC §6.1, §7), so that a
// submission does not list the whole bucket (a watcher walk plus a stream request) each time.
//
// Threads: the view owns one watch thread that applies every change of the bucket; resolve()
// may be called from any thread (API threads) and holds the view's mutex only while matching.
// Consistency: the copy trails the bucket by the watch's delivery delay (well under a
// millisecond on a local server). Where that could refuse a job — copy not loaded yet, watch
// broken, or no node matches — resolve() lists the bucket directly instead, so a node that
// registered a moment ago is never answered with 422.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "grid/bus/kv.hpp"
#include "grid/common/timestamp.hpp"
#include "grid/model/node_info.hpp"
#include "grid/model/target.hpp"

namespace grid::scheduler {

class NodeView {
 public:
  // Starts watching `nodes`; the copy is loaded in the background.
  explicit NodeView(bus::KvStore nodes);
  // Stops the watch thread.
  ~NodeView();
  NodeView(const NodeView&) = delete;
  NodeView& operator=(const NodeView&) = delete;

  // The IDs of the online nodes matching `target` in Go's listing order (ascending revision),
  // as match_targets() over list_nodes(). Throws bus::NatsError when the direct listing fails.
  std::vector<std::string> resolve(const model::Target& target, Timestamp now);

  // True once the copy holds the whole bucket and the watch is running. For tests and logs.
  bool loaded() const { return loaded_.load(); }

 private:
  struct Node {
    std::uint64_t revision = 0;
    model::NodeInfo info;
  };

  void watch_until_stopped();
  void watch_once();
  void apply_put(const bus::KvEntry& entry);
  void apply_delete(const std::string& key, std::uint64_t revision);

  bus::KvStore nodes_;
  std::atomic<bool> loaded_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;  // guards by_key_, by_revision_, watcher_
  std::unordered_map<std::string, Node> by_key_;
  std::map<std::uint64_t, std::string> by_revision_;  // listing order
  bus::KvWatcher* watcher_ = nullptr;                 // the running watch, to stop it
  std::thread thread_;
};

}  // namespace grid::scheduler
