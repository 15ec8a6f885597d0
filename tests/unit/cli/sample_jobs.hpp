// Jobs and nodes as the controller returns them, for the output tests.
#pragma once

#include "grid/model/job.hpp"
#include "grid/model/node_info.hpp"

namespace grid::cli::test {

// Running job: 3 leaves (a leaf, then a pipeline of two), expected n1 and n2; leaf 0 done by
// both nodes, leaf 1 only by n1 (failed), plus results under keys 2 and 10 are absent.
inline model::Job running_job() {
  return model::parse_job(R"({
    "id": "job-1", "target": {"scope": "group", "value": "web"},
    "tasks": [{"backend": "ping", "action": "echo"},
              {"tasks": [{"backend": "apt", "action": "update"},
                         {"backend": "apt", "action": "install"}]}],
    "strategy": "continue", "status": "running", "step": 1, "expected": ["n1", "n2"],
    "results": {
      "0": {"n2": {"status": "success", "output": "hi", "duration": "1.5s"},
            "n1": {"status": "success", "duration": "500ms"}},
      "1": {"n1": {"status": "failed", "error": "boom", "duration": "2s", "attempts": 2}}},
    "created_at": "2026-02-13T09:41:07Z", "updated_at": "2026-02-13T09:41:09Z"})");
}

inline model::Job pending_job() {
  return model::parse_job(R"({
    "id": "j2", "target": {"scope": "all", "value": ""},
    "tasks": [{"backend": "ping", "action": "echo"}], "strategy": "fail-fast",
    "status": "pending", "step": 0, "expected": ["n1"],
    "created_at": "2026-02-13T10:00:00Z", "updated_at": "2026-02-13T10:00:00Z"})");
}

inline model::NodeInfo node(const char* id, const char* groups_json) {
  return model::parse_node_info(std::string(R"({"id": ")") + id + R"(", "hostname": "host-)" + id +
                                R"(", "groups": )" + groups_json +
                                R"(, "backends": ["apt", "ping"], "status": "online",)"
                                R"( "last_seen": "2026-02-13T09:41:07Z"})");
}

}  // namespace grid::cli::test
