#include "grid/common/job_id.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace grid {
namespace {

TEST(NewJobId, IsSixteenLowercaseHexCharacters) {
  const std::regex format("^[0-9a-f]{16}$");
  for (int i = 0; i < 100; ++i) {
    const std::string id = new_job_id();
    EXPECT_TRUE(std::regex_match(id, format)) << id;
  }
}

TEST(NewJobId, IsUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 10'000; ++i) ids.insert(new_job_id());
  EXPECT_EQ(ids.size(), 10'000u);
}

}  // namespace
}  // namespace grid
