#include "grid/common/token.hpp"

#include <gtest/gtest.h>

namespace grid {
namespace {

TEST(IsValidToken, AcceptsLettersDigitsUnderscoreAndDash) {
  EXPECT_TRUE(is_valid_token("web-01"));
  EXPECT_TRUE(is_valid_token("A_z-9"));
  EXPECT_TRUE(is_valid_token(std::string(kMaxTokenLength, 'a')));
}

TEST(IsValidToken, RejectsEverythingElse) {
  for (const std::string& bad : std::initializer_list<std::string>{
           "", "a.b", "a*", "a>", "a b", "a/b", "a\\b", "caf\u00e9", "a\n",
           std::string(kMaxTokenLength + 1, 'a'), std::string("a\0b", 3)}) {
    EXPECT_FALSE(is_valid_token(bad)) << bad;
  }
}

TEST(SanitizeHostName, ReplacesNonTokenCharacters) {
  EXPECT_EQ(sanitize_host_name("web-01.example.com"), "web-01_example_com");
  EXPECT_EQ(sanitize_host_name("a b*c>d/e\\f"), "a_b_c_d_e_f");
  EXPECT_EQ(sanitize_host_name("plain_host"), "plain_host");
}

TEST(OsHostName, SanitisedFormIsAValidToken) {
  const std::string host = os_host_name();
  ASSERT_FALSE(host.empty());
  EXPECT_TRUE(is_valid_token(sanitize_host_name(host)));
}

}  // namespace
}  // namespace grid
