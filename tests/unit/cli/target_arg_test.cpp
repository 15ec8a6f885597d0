#include "grid/cli/target_arg.hpp"

#include <gtest/gtest.h>

#include "grid/common/error.hpp"

namespace grid::cli {
namespace {

using model::Target;

TEST(ParseTarget, AcceptsTheThreeForms) {
  EXPECT_EQ(parse_target("all"), (Target{"all", ""}));
  EXPECT_EQ(parse_target("group:web"), (Target{"group", "web"}));
  EXPECT_EQ(parse_target("node:worker-1"), (Target{"node", "worker-1"}));
  EXPECT_EQ(parse_target("group:a:b"), (Target{"group", "a:b"}));  // the controller validates
}

TEST(ParseTarget, RejectsEverythingElse) {  // BUG-44
  for (const char* text : {"", "group:", "node:", "grp:web", "All", "group", "nodes:n1", "all:"}) {
    try {
      parse_target(text);
      ADD_FAILURE() << "accepted \"" << text << "\"";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()),
                "invalid target \"" + std::string(text) + "\": use all, group:<name> or node:<id>");
    }
  }
}

TEST(ParseParams, SplitsAtTheFirstEquals) {
  auto params = parse_params({"package=curl", "expr=a=b", "empty=", "package=nginx"});
  EXPECT_EQ(params, (std::map<std::string, std::string>{
                        {"package", "nginx"}, {"expr", "a=b"}, {"empty", ""}}));
  EXPECT_TRUE(parse_params({}).empty());
}

TEST(ParseParams, RejectsArgumentsWithoutKeyAndValue) {  // BUG-46
  EXPECT_THROW(
      {
        try {
          parse_params({"a=1", "curl"});
        } catch (const Error& e) {
          EXPECT_STREQ(e.what(), "invalid parameter \"curl\": expected key=value");
          throw;
        }
      },
      Error);
  EXPECT_THROW(parse_params({"=value"}), Error);
}

}  // namespace
}  // namespace grid::cli
