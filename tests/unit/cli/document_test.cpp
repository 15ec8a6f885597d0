#include "grid/cli/document.hpp"

#include <gtest/gtest.h>

namespace grid::cli {
namespace {

TEST(OutputFormat, ParsesTheThreeNames) {
  EXPECT_EQ(parse_output_format("json"), OutputFormat::kJson);
  EXPECT_EQ(parse_output_format("yaml"), OutputFormat::kYaml);
  EXPECT_EQ(parse_output_format("table"), OutputFormat::kTable);
  EXPECT_EQ(parse_output_format("xml"), std::nullopt);
}

TEST(Document, JsonIsIndentedWithTwoSpacesInDocumentOrder) {
  auto doc = model::OrderedJson::parse(R"({"z":1,"a":[true,null],"s":"x"})");
  EXPECT_EQ(to_indented_json(doc),
            "{\n  \"z\": 1,\n  \"a\": [\n    true,\n    null\n  ],\n  \"s\": \"x\"\n}");
}

TEST(Document, YamlQuotesEveryString) {
  auto doc = model::OrderedJson::parse(
      R"({"id":"j1","rate":"50","flag":"true","empty":"","n":3,"b":false,"none":null,"list":["a"]})");
  EXPECT_EQ(to_yaml(doc),
            "id: \"j1\"\nrate: \"50\"\nflag: \"true\"\nempty: \"\"\nn: 3\nb: false\nnone: ~\n"
            "list:\n  - \"a\"");
}

}  // namespace
}  // namespace grid::cli
