#include "grid/cli/table.hpp"

#include <gtest/gtest.h>

namespace grid::cli {
namespace {

TEST(Table, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"ID", "STATUS", "NOTE"});
  table.add_row({"a-long-id", "ok", ""});
  table.add_row({"b", "completed"});
  EXPECT_EQ(table.render(),
            "ID         STATUS     NOTE\n"
            "a-long-id  ok\n"
            "b          completed\n");
}

TEST(Table, CountsUtf8CodePoints) {
  Table table({"T", "X"});
  table.add_row({"1.5µs", "y"});
  EXPECT_EQ(table.render(), "T      X\n1.5µs  y\n");
}

}  // namespace
}  // namespace grid::cli
