// JetStream key-value buckets (SPEC §4.3): history 1, file storage, no TTL, no size limit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grid/bus/handles.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/message.hpp"
#include "grid/common/timestamp.hpp"

namespace grid::bus {

struct KvEntry {
  std::string key;
  std::string value;
  std::uint64_t revision = 0;  // the stream sequence of this value
  Timestamp created;           // when it was written

  bool operator==(const KvEntry&) const = default;
};

struct KvStatus {
  std::string bucket;
  std::uint64_t values = 0;  // messages in the backing stream, delete markers included
  std::int64_t history = 0;
  std::int64_t replicas = 0;
  Duration ttl{};
};

// One event of a watch: a value written, a key deleted, or the marker that every value
// present when the watch started has been delivered.
struct KvEvent {
  enum class Kind { put, deleted, initial_values_done };
  Kind kind = Kind::put;
  KvEntry entry;              // empty for initial_values_done; no value for deleted
  std::uint64_t pending = 0;  // updates the server still had to send when it sent this one
};

// Delivers the current value of each watched key, then every change. Destroying it stops
// the watch. next() belongs to one thread at a time; stop() may be called from any thread.
class KvWatcher {
 public:
  // `nothing_initial`: the bucket was empty when the watch started, so the marker comes
  // first (nats.c 3.4.1 would only send it after the first update).
  KvWatcher(KvWatcherHandle watcher, bool nothing_initial);
  KvWatcher(KvWatcher&&) noexcept = default;
  KvWatcher& operator=(KvWatcher&&) noexcept = default;

  // The next event, or nullopt when `timeout` passes first or the watcher was stopped.
  // Throws NatsError on other failures.
  std::optional<KvEvent> next(Duration timeout);
  // Makes a waiting and every later next() return nullopt.
  void stop();

 private:
  KvWatcherHandle watcher_;
  bool marker_due_;
  bool marker_sent_ = false;
};

// A handle on one bucket. Thread-safe: every method may be called from several threads.
// Keys must be identifier tokens (grid::is_valid_token); others throw grid::Error.
// Failures throw NatsError.
class KvStore {
 public:
  // Creates the bucket with GRID's settings and `replicas` (nats.jetstream.replicas; BUG-52),
  // or opens it when it exists with the same settings; a bucket that exists with other
  // settings throws.
  static KvStore create_or_open(JetStream& js, const std::string& bucket, int replicas);
  // Opens an existing bucket (is_not_found() when missing).
  static KvStore open(JetStream& js, const std::string& bucket);

  const std::string& bucket() const { return bucket_; }
  KvStatus status();

  // nullopt when the key has no value (never written or deleted).
  std::optional<KvEntry> get(const std::string& key);
  // Writes unconditionally; returns the new revision.
  std::uint64_t put(const std::string& key, std::string_view value);
  // Writes only if the key has no value; throws NatsError with is_already_exists() otherwise.
  std::uint64_t create(const std::string& key, std::string_view value);
  // Writes only if the key's revision is still `expected_revision`; throws NatsError with
  // is_cas_conflict() otherwise.
  std::uint64_t update(const std::string& key, std::string_view value,
                       std::uint64_t expected_revision);
  // The message update() sends, for publishing without blocking (AsyncPublisher): its ack
  // carries the new revision, or error 10071 when the revision is no longer
  // `expected_revision`.
  Message update_message(const std::string& key, std::string_view value,
                         std::uint64_t expected_revision) const;
  // Deletes the key's value (a delete marker; history is not kept).
  void erase(const std::string& key);

  // Every key that has a value, with value and revision, in no particular order. Correct
  // while other clients keep writing: it contains every key that had a value throughout the
  // listing, each with its value at some moment of it; it returns once it has caught up with
  // the writers. Throws NatsError (is_timeout()) when no entry arrives for `timeout`: a large
  // bucket takes as long as it needs while the server keeps delivering (listing 10,000 jobs
  // took 0.3 s here; jobs are never deleted, so one overall deadline would in the end stop a
  // controller from starting).
  std::vector<KvEntry> list(Duration timeout = std::chrono::seconds(5));
  // The same listing, returning only the entries `keep` accepts (called once per value seen;
  // a key whose last value is refused is left out even if an earlier one was accepted). The
  // values refused are not held: a listing of a large bucket for a few of its entries.
  using Keep = std::function<bool(const KvEntry&)>;
  std::vector<KvEntry> list(const Keep& keep, Duration timeout = std::chrono::seconds(5));

  // Watches every key of the bucket. (No key patterns: nats-server 2.9.10 never delivers
  // updates to a last-per-subject watch whose pattern matched nothing at its start.)
  KvWatcher watch();

 private:
  KvStore(const JetStream& js, KvStoreHandle kv, std::string bucket);
  std::uint64_t publish_expecting(const std::string& key, std::string_view value,
                                  std::uint64_t expected_revision);
  std::optional<std::uint64_t> delete_marker_revision(const std::string& key);
  // Every key of the bucket that has a message in the backing stream (values and delete
  // markers), from the stream's subject list. One request.
  std::vector<std::string> keys_with_messages();
  std::vector<KvEntry> list_kept(const Keep* keep, Duration timeout);
  // The backing stream's last sequence. One request.
  std::uint64_t last_sequence();
  // A watch of every key and the backing stream's state read right after it started.
  std::pair<KvWatcher, StreamInfoHandle> start_watch();

  JsContext js_;
  natsConnection* connection_;  // kept valid by js_
  Duration timeout_;
  KvStoreHandle kv_;
  std::string bucket_;
};

}  // namespace grid::bus
