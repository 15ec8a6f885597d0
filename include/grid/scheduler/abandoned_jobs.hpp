// Jobs admission refused with 500 after storing them (their request could not be queued)
// whose KV entry could not be deleted either, the store failing (BUG-48: a refused job must
// not run later). The recovery scan deletes such an entry once the store answers again,
// where rule B would otherwise queue it. Forgotten at a restart (the job may then run).
//
// Thread-safe (one small lock): admission adds from API threads, the scan's thread reads and
// removes.
#pragma once

#include <mutex>
#include <set>
#include <string>

namespace grid::scheduler {

class AbandonedJobs {
 public:
  void add(const std::string& id);
  void remove(const std::string& id);
  std::set<std::string> ids() const;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> ids_;
};

}  // namespace grid::scheduler
