// The live progress line of `gridc job run --wait` (SPEC §11.3: C++ MAY print progress).
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "grid/model/job.hpp"

namespace grid::cli {

// "running  step 2/5  nodes 3/4  12s": job status, the current leaf (step + 1) over the leaf
// count, the nodes that reported for the current leaf over the expected nodes, and the time
// waited so far in whole seconds.
std::string progress_text(const model::Job& job, std::chrono::steady_clock::duration waited);

// Rewrites one line of a terminal in place ("\r" + text + erase-to-end-of-line). When
// `enabled` is false (stderr is not a terminal) it writes nothing at all, so redirected
// output never contains progress. Owned by one thread.
class ProgressLine {
 public:
  ProgressLine(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void show(const std::string& text);
  // Erases the line if something was shown.
  void clear();

 private:
  std::ostream& out_;
  bool enabled_;
  bool shown_ = false;
};

}  // namespace grid::cli
