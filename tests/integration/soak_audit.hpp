// The audit of a kill soak (soak_test.cpp): compares what the workers and the controller
// logged with the jobs the store holds at the end, and counts what went wrong.
//
// Words, as the soak test asserts them:
// * accepted job: POST /job answered 202 with its ID. A submission refused with 429 or 5xx,
//   or left without an answer by an outage, is not accepted (the client may retry it).
// * lost: an accepted job that is not terminal (§3.10) when the end deadline passes, or that
//   the API does not know (404).
// * execution: one pass of a controller over a job's steps. A job has 1 + r executions, r
//   being the number of times a controller logged "job <id>: recovered" (§6.15: a job that
//   was running when its controller died is queued again and runs again from step 0).
// * run: a worker starting a backend action; gridw -d logs "running job <id> step <n>
//   (<backend> <action>, sequence <s>)" once each time, <s> being the stream sequence of the
//   command (one dispatch of that step to that node).
// * duplicated: a dispatch run twice on its node (same job, step and sequence), or a node
//   running more distinct dispatches of one step of a job than the job has executions.
// * recovered re-run: the second or later dispatch of a step run on a node for a recovered
//   job, within its number of executions (allowed by §6.15, reported, not a failure).
// * incomplete: a `completed` job without a `success` result for every step and expected node.
// * missing acknowledged result: for a job that was never recovered, a result a worker
//   published and got the stream's acknowledgement for (gridw -d logs "job <id> step <n> (…,
//   sequence <s>): <status> in <duration>" only after the PubAck) when the stored job holds
//   none of the results the node published for that step (nothing, or another status; a
//   step dispatched twice to a node in one execution has two published answers). A stored "timeout: …" failure instead counts as late:
//   the result came after the step's deadline (its worker was killed, restarted or backlogged,
//   §6.8). Recovered jobs are exempt: recovery discards the earlier execution's results.
// * unconfirmed dispatch: a step (or a pipeline sub-step to one node) whose command publish
//   the controller logged as failed ("job <id>: publishing step <n> failed", "… publishing
//   pipeline step <n> to <node> failed"). §6.5/§6.9 end the step as failed without storing
//   results, yet a publish whose acknowledgement was lost (server killed meanwhile) may have
//   been stored and run: its results are not counted as missing.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace grid::test {

struct SoakFigures {
  std::size_t accepted = 0;
  std::map<std::string, std::size_t> by_status;  // terminal (and not) statuses of accepted jobs
  std::size_t lost = 0;
  std::size_t incomplete = 0;
  std::size_t duplicated = 0;
  std::size_t recovered_jobs = 0;
  std::size_t recovered_reruns = 0;
  std::size_t acknowledged_results = 0;
  std::size_t missing_results = 0;
  std::size_t late_results = 0;
  std::size_t unconfirmed_dispatches = 0;
  std::vector<std::string> problems;  // one line per lost/incomplete/duplicated/missing item
};

// Audits the accepted jobs. `jobs`: job ID → the job as GET /job/<id> last returned it (null
// when unknown); `worker_logs`: node → every generation's log; `controller_log`: every
// generation's log of the controller.
SoakFigures audit_soak(const std::map<std::string, nlohmann::json>& jobs,
                       const std::map<std::string, std::string>& worker_logs,
                       const std::string& controller_log);

}  // namespace grid::test
