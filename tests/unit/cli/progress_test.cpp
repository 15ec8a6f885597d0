#include "grid/cli/progress.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "sample_jobs.hpp"

namespace grid::cli {
namespace {

using namespace std::chrono_literals;

TEST(Progress, TextShowsStepNodesAndTime) {
  EXPECT_EQ(progress_text(test::running_job(), 12900ms), "running  step 2/3  nodes 1/2  12s");
  EXPECT_EQ(progress_text(test::pending_job(), 0s), "pending  step 1/1  nodes 0/1  0s");
}

TEST(Progress, LineIsRewrittenAndErasedOnATerminal) {
  std::ostringstream out;
  {
    ProgressLine line(out, true);
    line.show("a");
    line.show("b");
  }
  EXPECT_EQ(out.str(), "\ra\033[K\rb\033[K\r\033[K");
}

TEST(Progress, NothingIsWrittenWhenRedirected) {
  std::ostringstream out;
  {
    ProgressLine line(out, false);
    line.show("a");
    line.clear();
  }
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace grid::cli
