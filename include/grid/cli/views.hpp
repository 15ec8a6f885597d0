// The human-readable texts gridc prints about jobs and nodes (SPEC §11.2–§11.4).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "grid/model/job.hpp"
#include "grid/model/node_info.hpp"

namespace grid::cli {

// Leaves of the job that are finished according to `results`: a leaf counts when every
// expected node has a result for it (when nothing is expected, when any node has one). Shown
// as "<finished>/<model::leaf_count>" instead of Go's mixed step counter (BUG-43).
std::size_t finished_leaves(const model::Job& job);

// The two normative lines after a submission, each ending in '\n':
// "Job <id> submitted (<n> tasks, target=<scope>:<value>, strategy=<strategy>)" (n = top-level
// phases) and "Expected nodes: [<id> <id> …]".
std::string submission_lines(const model::Job& job);

// "No jobs found\n" for an empty list, otherwise a table with the columns ID, STATUS,
// PROGRESS (finished/leaves), TARGET (scope:value), STRATEGY, NODES (expected count),
// CREATED (RFC 3339), one row per job in the given order.
std::string job_table(const std::vector<model::Job>& jobs);

// "No nodes registered\n" for an empty list, otherwise a table with the columns ID, STATUS,
// HOSTNAME, GROUPS, BACKENDS (comma-separated, "-" when none) and LAST SEEN.
std::string node_table(const std::vector<model::NodeInfo>& nodes);

// The `results` object of a finished job as §11.3 prints it: JSON indented with 2 spaces,
// step and node keys sorted as strings (Go's map order), NodeResult fields in contract
// order; "null" when there are no results. No trailing newline.
std::string results_json(const model::Job& job);

// One row per node (the expected nodes, then any other node with results, sorted) with the
// columns NODE, SUCCESS, FAILED, SKIPPED (result counts over all steps), TIME (sum of the
// durations) and ERROR (the first failed result's error, "" when none).
std::string node_summary_table(const model::Job& job);

}  // namespace grid::cli
