// The scheduler's access to KV `jobs` (SPEC §4.3, §6.15): reads with revisions, the claim and
// every later write as compare-and-swap on the last revision, and the size rule of BUG-23.
//
// KV write rule of a running job (BUG-53): the owner writes at the claim, at each step start
// (when `step` or stored results changed since the last write), and at the terminal status,
// never once per node result. Results that arrived since the last write are kept in memory
// and go out with the next of these writes; a crash loses them together with the execution,
// and recovery re-runs the job from step 0 (§6.15), so no acknowledged result is ever relied
// upon without being written first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "grid/bus/async_publisher.hpp"
#include "grid/bus/kv.hpp"
#include "grid/model/job.hpp"

namespace grid::scheduler {

// The largest job document the scheduler writes: nats-server's default max_payload (1 MiB)
// minus room for the KV headers.
inline constexpr std::size_t kMaxJobDocument = 1024 * 1024 - 16 * 1024;
// Appended to a stored output shortened to keep the document under kMaxJobDocument.
inline constexpr std::string_view kTruncatedSuffix = "\n... [output truncated]";

// A job as read from KV with the revision to compare against on the next write.
struct StoredJob {
  model::Job job;
  std::uint64_t revision = 0;
};

enum class WriteOutcome {
  written,             // stored; the revision was advanced
  cancelled_remotely,  // CAS conflict and the stored job is `cancelled`: adopted (§6.11)
  lost_ownership,      // CAS conflict otherwise: stop executing without writing (BUG-14)
  failed,              // any other error (logged); the caller carries on
};

// Thread-safe (KvStore is); the scheduler calls it from its loop thread and admission from
// API threads.
class JobStore {
 public:
  explicit JobStore(bus::KvStore jobs) : jobs_(std::move(jobs)) {}

  // nullopt for an unknown job. Throws bus::NatsError on read failures and grid::Error on an
  // undecodable value.
  std::optional<StoredJob> read(const std::string& id);

  // Encodes `job` (shortening its longest outputs first when the document would exceed
  // kMaxJobDocument; the shortened text stays in `job`).
  static std::string encode_bounded(model::Job& job);

  // A write is two halves so that the scheduler's loop never waits for the server: the
  // CAS message for `stored.job` (updated_at = now) on `stored.revision`, to be published
  // with a bus::AsyncPublisher, and the handling of its ack. after_write() advances
  // stored.revision on success; on a conflict it re-reads (one round trip, rare): a
  // `cancelled` job replaces stored.job/revision and yields cancelled_remotely.
  bus::Message write_message(StoredJob& stored);
  WriteOutcome after_write(StoredJob& stored, const bus::PublishAck& ack, const std::string& owner);

  bus::KvStore& kv() { return jobs_; }

 private:
  bus::KvStore jobs_;
};

}  // namespace grid::scheduler
