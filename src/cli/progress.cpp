#include "grid/cli/progress.hpp"

#include "grid/model/step_index.hpp"

namespace grid::cli {

std::string progress_text(const model::Job& job, std::chrono::steady_clock::duration waited) {
  auto reported = job.results.find(job.step);
  auto nodes_done = reported == job.results.end() ? 0 : reported->second.size();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(waited).count();
  return std::string(model::to_string(job.status)) + "  step " + std::to_string(job.step + 1) +
         "/" + std::to_string(model::leaf_count(job.tasks)) + "  nodes " +
         std::to_string(nodes_done) + "/" + std::to_string(job.expected.size()) + "  " +
         std::to_string(seconds) + "s";
}

void ProgressLine::show(const std::string& text) {
  if (!enabled_) return;
  out_ << "\r" << text << "\033[K" << std::flush;
  shown_ = true;
}

void ProgressLine::clear() {
  if (!shown_) return;
  out_ << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace grid::cli
