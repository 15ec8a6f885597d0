#include "grid/model/validation.hpp"

#include <gtest/gtest.h>

namespace grid::model {
namespace {

// Each case is a POST /job body; `errors` lists every problem in report order.
struct Case {
  std::string name;
  std::string body;
  std::vector<std::string> errors;
  std::vector<std::string> warnings = {};
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class ValidateJobRequest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateJobRequest, ReportsExactly) {
  const ValidationReport report = validate_job_request(parse_job_request(GetParam().body));
  EXPECT_EQ(report.errors, GetParam().errors);
  EXPECT_EQ(report.warnings, GetParam().warnings);
  EXPECT_EQ(report.ok(), GetParam().errors.empty());
}

constexpr const char* kLeaf = R"({"backend":"ping","action":"echo"})";

std::string tasks(const std::string& list) {
  return R"({"tasks":[)" + list + "]}";
}

std::string with(const std::string& fields) {
  return tasks(R"({"backend":"ping","action":"echo",)" + fields + "}");
}

INSTANTIATE_TEST_SUITE_P(
    Spec, ValidateJobRequest,
    ::testing::Values(
        Case{"valid_minimal", tasks(kLeaf), {}},
        Case{
            "valid_full",
            R"({"target":{"scope":"group","value":"web_1-a"},"strategy":"continue","timeout":"30m",)"
            R"("tasks":[{"backend":"apt","action":"install","params":{"package":"nginx"},)"
            R"("max_retries":100,"timeout":"1m30.5s","condition":"on_success"},)"
            R"({"tasks":[{"backend":"a","action":"b"}],"condition":"on_failure"}]})",
            {}},
        Case{"tasks_absent", "{}", {"at least one task is required"}},
        Case{"tasks_empty", R"({"tasks":[]})", {"at least one task is required"}},
        Case{"depth_two",
             tasks(R"({"tasks":[{"tasks":[{"backend":"a","action":"b"}]}]})"),
             {"phase[0]: tasks[0]: tasks[0]: phase nesting exceeds maximum depth of 2"}},
        Case{"both_leaf_and_branch",
             tasks(R"({"backend":"a","tasks":[{"backend":"a","action":"b"}]})"),
             {"phase[0]: phase cannot be both a leaf (backend/action) and a branch (tasks)"}},
        Case{"action_and_branch",
             tasks(R"({"action":"b","tasks":[{"backend":"a","action":"b"}]})"),
             {"phase[0]: phase cannot be both a leaf (backend/action) and a branch (tasks)"}},
        Case{"neither",
             tasks(R"({"params":{"a":"b"},"condition":"always"})"),
             {"phase[0]: phase must be either a leaf (backend/action) or a branch (tasks)"}},
        Case{"neither_in_branch",
             tasks(std::string(kLeaf) + R"(,{"tasks":[{"backend":"a","action":"b"},)" + kLeaf +
                   ",{}]}"),
             {"phase[1]: tasks[2]: phase must be either a leaf (backend/action) or a branch "
              "(tasks)"}},
        Case{"missing_backend",
             tasks(R"({"action":"echo"})"),
             {"phase[0]: leaf phase missing backend"}},
        Case{"missing_action",
             tasks(std::string(kLeaf) + R"(,{"backend":"ping"})"),
             {"phase[1]: leaf phase missing action"}},
        Case{
            "structure_errors_in_list_order",
            tasks(R"({"backend":"a","condition":"sometimes"},{"action":"b"},{"tasks":[{}]})"),
            {"phase[0]: leaf phase missing action", "phase[1]: leaf phase missing backend",
             "phase[2]: tasks[0]: phase must be either a leaf (backend/action) or a branch (tasks)",
             "phase[0]: invalid condition \"sometimes\""}},
        Case{"invalid_condition",
             with(R"("condition":"sometimes")"),
             {"phase[0]: invalid condition \"sometimes\""}},
        Case{"invalid_condition_in_pipeline",
             tasks(R"({"tasks":[{"backend":"a","action":"b","condition":"never"}]})"),
             {"phase[0]: tasks[0]: invalid condition \"never\""}},
        Case{"invalid_timeout",
             tasks(std::string(kLeaf) +
                   R"(,{"tasks":[{"backend":"a","action":"b","timeout":"5x"}]})"),
             {"phase[1]: tasks[0]: invalid timeout \"5x\""}},
        Case{"zero_timeout", with(R"("timeout":"0s")"), {"phase[0]: invalid timeout \"0s\""}},
        Case{"negative_timeout", with(R"("timeout":"-1m")"), {"phase[0]: invalid timeout \"-1m\""}},
        Case{"unitless_timeout", with(R"("timeout":"30")"), {"phase[0]: invalid timeout \"30\""}},
        Case{"branch_timeout_checked_too",
             tasks(R"({"timeout":"1d","tasks":[{"backend":"a","action":"b"}]})"),
             {"phase[0]: invalid timeout \"1d\""}},
        Case{"negative_retries",
             with(R"("max_retries":-1)"),
             {"phase[0]: invalid max_retries -1: must be between 0 and 100"}},
        Case{"too_many_retries",
             with(R"("max_retries":101)"),
             {"phase[0]: invalid max_retries 101: must be between 0 and 100"}},
        Case{"invalid_backend",
             tasks(R"({"backend":"a.b","action":"echo"})"),
             {"phase[0]: invalid backend \"a.b\""}},
        Case{"invalid_action",
             tasks(R"({"backend":"ping","action":"ec ho"})"),
             {"phase[0]: invalid action \"ec ho\""}},
        Case{"control_characters_are_quoted",
             tasks(R"({"backend":"ping","action":">\n"})"),
             {"phase[0]: invalid action \">\\n\""}},
        Case{"all_field_problems_of_one_phase",
             with(R"("condition":"x","timeout":"y","max_retries":-5)"),
             {"phase[0]: invalid condition \"x\"", "phase[0]: invalid timeout \"y\"",
              "phase[0]: invalid max_retries -5: must be between 0 and 100"}},
        Case{"unknown_scope",
             R"({"target":{"scope":"nodes"},"tasks":[)" + std::string(kLeaf) + "]}",
             {"invalid target scope \"nodes\""}},
        Case{"all_scope_keeps_any_value",
             R"({"target":{"scope":"all","value":"a.b"},"tasks":[)" + std::string(kLeaf) + "]}",
             {}},
        Case{"group_without_value",
             R"({"target":{"scope":"group"},"tasks":[)" + std::string(kLeaf) + "]}",
             {"target value is required for scope \"group\""}},
        Case{"node_with_bad_token",
             R"({"target":{"scope":"node","value":"web.01"},"tasks":[)" + std::string(kLeaf) + "]}",
             {"invalid target value \"web.01\" for scope \"node\""}},
        Case{"group_value_too_long",
             R"({"target":{"scope":"group","value":")" + std::string(121, 'g') + R"("},"tasks":[)" +
                 std::string(kLeaf) + "]}",
             {"invalid target value \"" + std::string(121, 'g') + "\" for scope \"group\""}},
        Case{"unknown_strategy",
             R"({"strategy":"yolo","tasks":[)" + std::string(kLeaf) + "]}",
             {"invalid strategy \"yolo\""}},
        Case{"bad_job_timeout",
             R"({"timeout":"1d","tasks":[)" + std::string(kLeaf) + "]}",
             {"invalid timeout \"1d\""}},
        Case{
            "job_level_order",
            R"({"target":{"scope":"x"},"strategy":"s","timeout":"t","tasks":[{"backend":"a","action":"b","condition":"c"}]})",
            {"invalid target scope \"x\"", "phase[0]: invalid condition \"c\"",
             "invalid strategy \"s\"", "invalid timeout \"t\""}},
        Case{"empty_tasks_first",
             R"({"strategy":"s","tasks":[]})",
             {"at least one task is required", "invalid strategy \"s\""}},
        Case{
            "sub_phase_condition_warns",
            tasks(
                R"({"condition":"on_failure","tasks":[{"backend":"a","action":"b","condition":"on_success"},{"backend":"a","action":"c"}]})"),
            {},
            {"phase[0]: tasks[0]: condition \"on_success\" on a pipeline sub-phase is ignored"}}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace grid::model
