// The names of GRID's NATS topology (SPEC §4, §16 D-2): subjects, stream and bucket names,
// durable consumer names and fixed KV keys. Every subject and durable name in GRID is built
// here; no other code formats them.
//
// Functions taking identifier tokens (node IDs, group names, backend and action names, job
// IDs) validate them with grid::is_valid_token (SPEC §2.1) and throw grid::Error naming the
// kind and the value of the bad token. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grid::bus {

// Streams (§4.2) and the subjects they capture.
inline constexpr std::string_view kCommandsStream = "commands";
inline constexpr std::string_view kResultsStream = "results";
inline constexpr std::string_view kRequestsStream = "requests";
inline constexpr std::string_view kCommandsStreamSubjects = "cmd.>";
inline constexpr std::string_view kResultsStreamSubjects = "result.>";
inline constexpr std::string_view kRequestsStreamSubjects = "request.>";

// KV buckets (§4.3) and the fixed key of `cluster`.
inline constexpr std::string_view kClusterBucket = "cluster";
inline constexpr std::string_view kJobsBucket = "jobs";
inline constexpr std::string_view kNodesBucket = "nodes";
inline constexpr std::string_view kControllersBucket = "controllers";
inline constexpr std::string_view kClusterStatusKey = "status";
inline constexpr std::string_view kClusterStatusActive = "active";

// The shared durable pull consumer of the `requests` stream (§4.4).
inline constexpr std::string_view kSchedulerDurable = "scheduler";

// Target scope of a command (§3.5). Callers map any unknown target type to `all` (§4.5).
enum class Scope { all, group, node };

// cmd.all.<backend>.<action>, cmd.group.<value>.<backend>.<action> or
// cmd.node.<value>.<backend>.<action>. `value` (group name or node ID) is ignored for `all`.
std::string command_subject(Scope scope, std::string_view value, std::string_view backend,
                            std::string_view action);

// request.<job>
std::string request_subject(std::string_view job);
// The job of request.<job>; nullopt for any other subject or an invalid job ID.
std::optional<std::string> request_job(std::string_view subject);

// result.<job>.<task_index>.<node>
std::string result_subject(std::string_view job, std::uint64_t task_index, std::string_view node);

// result.<job>.> : every result of one job.
std::string job_results_filter(std::string_view job);

// result.<job>.<task_index>.> : every result of one step of one job.
std::string step_results_filter(std::string_view job, std::uint64_t task_index);

// The parts of a result subject (HEAD format result.<job>.<task_index>.<node>).
struct ResultSubject {
  std::string job;
  std::uint64_t task_index = 0;
  std::string node;

  bool operator==(const ResultSubject&) const = default;
};

// Parses a result subject; nullopt when it is not exactly result.<job>.<index>.<node> with
// valid tokens and a decimal index.
std::optional<ResultSubject> parse_result_subject(std::string_view subject);

// A worker consumer of the `commands` stream (D-2): its durable name and filter subject.
struct WorkerConsumer {
  std::string durable;
  std::string filter;

  bool operator==(const WorkerConsumer&) const = default;
};

// worker:<node>:all on cmd.all.>
WorkerConsumer worker_all_consumer(std::string_view node);
// worker:<node>:node on cmd.node.<node>.>
WorkerConsumer worker_node_consumer(std::string_view node);
// worker:<node>:group:<group> on cmd.group.<group>.>
WorkerConsumer worker_group_consumer(std::string_view node, std::string_view group);

// Every consumer a worker needs: all, node, then one per distinct group in first-seen order.
std::vector<WorkerConsumer> worker_consumers(std::string_view node,
                                             const std::vector<std::string>& groups);

// The group of a durable named worker:<node>:group:<group>, or nullopt when `durable` is not a
// group consumer of this node (used to delete consumers of groups no longer configured).
std::optional<std::string> worker_group_of(std::string_view node, std::string_view durable);

// KV_<bucket>: the stream backing a KV bucket.
std::string kv_stream(std::string_view bucket);

// $KV.<bucket>.<key>: the subject of one KV key.
std::string kv_subject(std::string_view bucket, std::string_view key);

// $KV.<bucket>.> : every key of a bucket (a core subscription on it sees each write live).
std::string kv_bucket_filter(std::string_view bucket);

// The key of a $KV.<bucket>.<key> subject, or "" when `subject` is not one of `bucket`.
std::string_view kv_key_of(std::string_view bucket, std::string_view subject);

// Throws grid::Error("invalid <what> \"<token>\": ...") unless is_valid_token(token).
void require_token(std::string_view what, std::string_view token);

}  // namespace grid::bus
