#include "grid/model/job_file.hpp"

#include <gtest/gtest.h>

#include "grid/common/error.hpp"
#include "grid/model/validation.hpp"

namespace grid::model {
namespace {

constexpr std::string_view kSpecJobFile = R"(target:
  scope: group        # all | group | node
  value: web
strategy: fail-fast   # optional: fail-fast | continue
timeout: 30m          # optional
tasks:
  - backend: apt
    action: update
  - tasks:            # pipeline phase [HEAD]
      - backend: apt
        action: install
        params: { package: nginx }
        max_retries: 2
        timeout: 10m
      - backend: systemd
        action: enable
        params: { unit: nginx }
  - backend: ping
    action: echo
    condition: on_failure   # [HEAD]
    params:
      message: "rollback"
)";

TEST(JobFile, SpecExample) {
  const JobRequest request = parse_job_file(kSpecJobFile);
  EXPECT_EQ(request.target, (Target{"group", "web"}));
  EXPECT_EQ(request.strategy, "fail-fast");
  EXPECT_EQ(request.timeout, "30m");
  ASSERT_EQ(request.tasks.size(), 3u);
  EXPECT_EQ(request.tasks[0], (Phase{.backend = "apt", .action = "update"}));
  ASSERT_EQ(request.tasks[1].tasks.size(), 2u);
  EXPECT_EQ(request.tasks[1].tasks[0], (Phase{.backend = "apt",
                                              .action = "install",
                                              .params = {{"package", "nginx"}},
                                              .timeout = "10m",
                                              .max_retries = 2}));
  EXPECT_EQ(request.tasks[1].tasks[1].params.at("unit"), "nginx");
  EXPECT_EQ(request.tasks[2].condition, "on_failure");
  EXPECT_EQ(request.tasks[2].params.at("message"), "rollback");
  EXPECT_TRUE(validate_job_request(request).ok());
}

TEST(JobFile, EquivalentToTheJsonRequest) {
  const JobRequest from_yaml = parse_job_file(
      "tasks:\n  - {backend: apt, action: install, params: {package: curl}}\nstrategy: continue\n");
  const JobRequest from_json = parse_job_request(
      R"({"tasks":[{"backend":"apt","action":"install","params":{"package":"curl"}}],"strategy":"continue"})");
  EXPECT_EQ(from_yaml, from_json);
}

TEST(JobFile, UnquotedScalarParamsBecomeText) {
  const JobRequest request = parse_job_file(R"(tasks:
  - backend: test
    action: run
    params:
      rate: 50
      negative: -7
      big: 123456789012345678901234567890
      enabled: true
      disabled: False
      shout: TRUE
      quoted_bool: "True"
      quoted_int: "0050"
      ratio: 1.50
      word: yes
)");
  const std::map<std::string, std::string> expected{
      {"rate", "50"},          {"negative", "-7"},     {"big", "123456789012345678901234567890"},
      {"enabled", "true"},     {"disabled", "false"},  {"shout", "true"},
      {"quoted_bool", "True"}, {"quoted_int", "0050"}, {"ratio", "1.50"},
      {"word", "yes"}};
  EXPECT_EQ(request.tasks.at(0).params, expected);
}

TEST(JobFile, EmptyDocumentIsAnEmptyRequest) {
  EXPECT_EQ(parse_job_file(""), JobRequest{});
  EXPECT_EQ(parse_job_file("# nothing\n"), JobRequest{});
  EXPECT_EQ(validate_job_request(parse_job_file("")).errors.front(),
            "at least one task is required");
}

struct BadFile {
  std::string yaml;
  std::string error;
};

void PrintTo(const BadFile& c, std::ostream* os) {
  *os << c.yaml;
}

class JobFileErrors : public ::testing::TestWithParam<BadFile> {};

TEST_P(JobFileErrors, ReportLineAndColumn) {
  try {
    parse_job_file(GetParam().yaml);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, JobFileErrors,
    ::testing::Values(
        BadFile{"tasks: [", "job file: line 1, column 1: end of sequence flow not found"},
        BadFile{"tasks:\n  - backend: apt\n   action: x\n",
                "job file: line 3, column 4: end of sequence not found"},
        BadFile{"target: {scope: \"group\n",
                "job file: line 2, column 1: end of map flow not found"},
        BadFile{"- a\n- b\n", "job file: line 1, column 1: (top level): expected a mapping"},
        BadFile{"tasks: apt\n", "job file: line 1, column 8: tasks: expected a list"},
        BadFile{"tasks:\n  - apt\n", "job file: line 2, column 5: tasks[0]: expected a mapping"},
        BadFile{"tasks:\n  - backend: apt\n    max_retries: two\n",
                "job file: line 3, column 18: tasks[0].max_retries: expected an integer"},
        BadFile{"tasks:\n  - backend: apt\n    max_retries: 1.5\n",
                "job file: line 3, column 18: tasks[0].max_retries: expected an integer"},
        BadFile{"tasks:\n  - backend: [apt]\n",
                "job file: line 2, column 14: tasks[0].backend: expected a string"},
        BadFile{"tasks:\n  - backend: apt\n    params:\n      package: [a, b]\n",
                "job file: line 4, column 16: tasks[0].params.package: expected a scalar value"},
        BadFile{"tasks:\n  - backend: apt\n    params:\n      package:\n",
                "job file: line 4, column 7: tasks[0].params.package: expected a scalar value"},
        BadFile{"tasks:\n  - backend: apt\n    params: [a]\n",
                "job file: line 3, column 13: tasks[0].params: expected a mapping"},
        BadFile{"target: group\ntasks: []\n",
                "job file: line 1, column 9: target: expected a mapping"}));

TEST(JobFile, DeepNestingIsAnErrorNotACrash) {
  const std::string flow = "tasks: " + std::string(10'000, '[') + std::string(10'000, ']');
  EXPECT_THROW(parse_job_file(flow), Error);
  std::string phases = "tasks:\n";
  std::string indent = "  ";
  for (int i = 0; i < 40; ++i) {
    phases += indent + "- tasks:\n";
    indent += "    ";
  }
  EXPECT_THROW(parse_job_file(phases), Error);
}

TEST(JobFile, AliasExpansionIsBounded) {
  std::string yaml = "a0: &a0 [{backend: x, action: y}]\n";
  for (int i = 1; i < 12; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [{tasks: " + prev +
            "}, {tasks: " + prev + "}, {tasks: " + prev + "}, {tasks: " + prev + "}]\n";
  }
  yaml += "tasks: *a11\n";
  EXPECT_THROW(parse_job_file(yaml), Error);
}

}  // namespace
}  // namespace grid::model
