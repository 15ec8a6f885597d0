#include "grid/scheduler/node_view.hpp"

#include <spdlog/spdlog.h>

#include "grid/common/error.hpp"
#include "grid/scheduler/target_resolution.hpp"

namespace grid::scheduler {
namespace {

constexpr Duration kPollInterval = std::chrono::milliseconds(500);  // bounds stopping time
constexpr Duration kRewatchDelay = std::chrono::seconds(1);

}  // namespace

NodeView::NodeView(bus::KvStore nodes)
    : nodes_(std::move(nodes)), thread_([this] { watch_until_stopped(); }) {}

NodeView::~NodeView() {
  stopping_ = true;
  {
    std::lock_guard lock(mutex_);
    if (watcher_ != nullptr) watcher_->stop();
  }
  thread_.join();
}

std::vector<std::string> NodeView::resolve(const model::Target& target, Timestamp now) {
  if (loaded_) {
    std::vector<std::string> ids;
    std::lock_guard lock(mutex_);
    for (const auto& [revision, key] : by_revision_) {
      const auto& node = by_key_.at(key).info;
      if (is_online(node, now) && matches_target(node, target)) ids.push_back(node.id);
    }
    if (!ids.empty()) return ids;
  }
  return match_targets(list_nodes(nodes_), target, now);
}

void NodeView::watch_until_stopped() {
  while (!stopping_) {
    try {
      watch_once();
    } catch (const Error& e) {
      if (stopping_) break;
      spdlog::warn("node view: watching bucket {} failed ({}); admission lists it directly "
                   "until the watch is back in {}",
                   nodes_.bucket(), e.what(), format_duration(kRewatchDelay));
    }
    loaded_ = false;
    const auto until = std::chrono::steady_clock::now() + kRewatchDelay;
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

// Watch first, then list: every value written after the listing's snapshot arrives through
// the watch, and revisions decide which of two copies of a key is newer.
void NodeView::watch_once() {
  bus::KvWatcher watcher = nodes_.watch();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    watcher_ = &watcher;
    by_key_.clear();
    by_revision_.clear();
  }
  struct Forget {
    NodeView& view;
    ~Forget() {
      std::lock_guard lock(view.mutex_);
      view.watcher_ = nullptr;
    }
  } forget{*this};

  for (const auto& entry : nodes_.list()) apply_put(entry);
  loaded_ = true;
  spdlog::debug("node view: {} node(s) loaded from bucket {}", by_key_.size(), nodes_.bucket());
  while (!stopping_) {
    auto event = watcher.next(kPollInterval);
    if (!event) continue;
    if (event->kind == bus::KvEvent::Kind::put) apply_put(event->entry);
    if (event->kind == bus::KvEvent::Kind::deleted) {
      apply_delete(event->entry.key, event->entry.revision);
    }
  }
}

void NodeView::apply_put(const bus::KvEntry& entry) {
  auto info = decode_node_entry(entry);
  if (!info) {
    apply_delete(entry.key, entry.revision);
    return;
  }
  std::lock_guard lock(mutex_);
  auto [it, inserted] = by_key_.try_emplace(entry.key);
  if (!inserted) {
    if (it->second.revision >= entry.revision) return;
    by_revision_.erase(it->second.revision);
  }
  it->second = Node{entry.revision, std::move(*info)};
  by_revision_.emplace(entry.revision, entry.key);
}

void NodeView::apply_delete(const std::string& key, std::uint64_t revision) {
  std::lock_guard lock(mutex_);
  auto it = by_key_.find(key);
  if (it == by_key_.end() || it->second.revision >= revision) return;
  by_revision_.erase(it->second.revision);
  by_key_.erase(it);
}

}  // namespace grid::scheduler
