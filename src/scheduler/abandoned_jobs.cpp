#include "grid/scheduler/abandoned_jobs.hpp"

namespace grid::scheduler {

void AbandonedJobs::add(const std::string& id) {
  std::lock_guard lock(mutex_);
  ids_.insert(id);
}

void AbandonedJobs::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  ids_.erase(id);
}

std::set<std::string> AbandonedJobs::ids() const {
  std::lock_guard lock(mutex_);
  return ids_;
}

}  // namespace grid::scheduler
