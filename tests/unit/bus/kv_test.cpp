#include "grid/bus/kv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "bus_fixture.hpp"
#include "grid/bus/error.hpp"
#include "grid/bus/subjects.hpp"

namespace grid::bus {
namespace {

using namespace std::chrono_literals;

class KvTest : public BusTest {
 protected:
  KvStore jobs = KvStore::create_or_open(js, "jobs", 1);
};

TEST_F(KvTest, BucketHasSpecSettings) {
  const KvStatus status = jobs.status();
  EXPECT_EQ(status.bucket, "jobs");
  EXPECT_EQ(status.history, 1);
  EXPECT_EQ(status.replicas, 1);
  EXPECT_EQ(status.ttl, Duration::zero());
  const StreamInfo backing = js.stream_info("KV_jobs");
  EXPECT_EQ(backing.config.subjects, std::vector<std::string>{"$KV.jobs.>"});
  EXPECT_EQ(backing.config.storage, Storage::file);
  EXPECT_EQ(backing.config.replicas, 1);
  EXPECT_EQ(backing.config.max_age, Duration::zero());
}

TEST_F(KvTest, CreateOrOpenIsIdempotent) {
  jobs.put("k1", "v1");
  KvStore again = KvStore::create_or_open(js, "jobs", 1);
  EXPECT_EQ(again.get("k1")->value, "v1");
  KvStore opened = KvStore::open(js, "jobs");
  EXPECT_EQ(opened.get("k1")->value, "v1");
}

TEST_F(KvTest, ReplicasArgumentIsApplied) {
  // BUG-52: the replicas setting reaches the server, which refuses 3 without a cluster.
  try {
    KvStore::create_or_open(js, "nodes", 3);
    FAIL() << "single server accepted 3 replicas";
  } catch (const NatsError& e) {
    EXPECT_NE(std::string(e.what()).find("creating bucket nodes"), std::string::npos) << e.what();
  }
}

TEST_F(KvTest, OpeningMissingBucketIsNotFound) {
  try {
    KvStore::open(js, "controllers");
    FAIL() << "opened a missing bucket";
  } catch (const NatsError& e) {
    EXPECT_TRUE(e.is_not_found()) << e.what();
  }
}

TEST_F(KvTest, PutGetDelete) {
  EXPECT_EQ(jobs.get("k1"), std::nullopt);
  const auto r1 = jobs.put("k1", "one");
  const auto entry = jobs.get("k1");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->key, "k1");
  EXPECT_EQ(entry->value, "one");
  EXPECT_EQ(entry->revision, r1);
  EXPECT_GT(jobs.put("k1", "two"), r1);
  EXPECT_EQ(jobs.get("k1")->value, "two");
  jobs.erase("k1");
  EXPECT_EQ(jobs.get("k1"), std::nullopt);
  EXPECT_THROW(jobs.put("bad.key", "x"), Error);
}

TEST_F(KvTest, ClusterStatusIsPlainText) {
  KvStore cluster = KvStore::create_or_open(js, std::string(kClusterBucket), 1);
  cluster.put(std::string(kClusterStatusKey), kClusterStatusActive);
  EXPECT_EQ(cluster.get("status")->value, "active");
}

TEST_F(KvTest, CreateOnExistingKeyReportsExists) {
  const auto revision = jobs.create("job1", "pending");
  EXPECT_EQ(jobs.get("job1")->revision, revision);
  try {
    jobs.create("job1", "again");
    FAIL() << "created an existing key";
  } catch (const NatsError& e) {
    EXPECT_TRUE(e.is_already_exists()) << e.what();
    EXPECT_FALSE(e.is_cas_conflict());
  }
  EXPECT_EQ(jobs.get("job1")->value, "pending");
}

TEST_F(KvTest, CreateAfterDeleteSucceeds) {
  jobs.create("job1", "first");
  jobs.erase("job1");
  jobs.create("job1", "second");
  EXPECT_EQ(jobs.get("job1")->value, "second");
}

TEST_F(KvTest, UpdateWithStaleRevisionIsCasConflict) {
  const auto r1 = jobs.create("job1", "pending");
  const auto r2 = jobs.update("job1", "running", r1);
  EXPECT_GT(r2, r1);
  try {
    jobs.update("job1", "stale writer", r1);
    FAIL() << "stale update succeeded";
  } catch (const NatsError& e) {
    EXPECT_TRUE(e.is_cas_conflict()) << e.what();
    EXPECT_FALSE(e.is_already_exists());
    EXPECT_EQ(e.js_code(), JSStreamWrongLastSequenceErr);
  }
  EXPECT_EQ(jobs.get("job1")->value, "running");
  EXPECT_GT(jobs.update("job1", "done", r2), r2);
}

TEST_F(KvTest, ConcurrentCasHasOneWinner) {
  const auto r1 = jobs.create("job1", "pending");
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 4; ++i) {
    writers.emplace_back([&, i] {
      try {
        jobs.update("job1", "claimed by " + std::to_string(i), r1);
        ++wins;
      } catch (const NatsError& e) {
        if (e.is_cas_conflict()) ++conflicts;
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
}

TEST_F(KvTest, ListEmptyBucket) {
  EXPECT_TRUE(jobs.list().empty());
}

TEST_F(KvTest, ListReturnsCurrentValuesWithoutDeletedKeys) {
  jobs.put("a", "1");
  jobs.put("b", "1");
  jobs.put("a", "2");
  jobs.put("c", "1");
  jobs.erase("c");
  auto entries = jobs.list();
  ASSERT_EQ(entries.size(), 2u);
  std::sort(entries.begin(), entries.end(),
            [](const KvEntry& x, const KvEntry& y) { return x.key < y.key; });
  EXPECT_EQ(entries[0].key, "a");
  EXPECT_EQ(entries[0].value, "2");
  EXPECT_EQ(entries[0].revision, jobs.get("a")->revision);
  EXPECT_EQ(entries[1].key, "b");
}

TEST_F(KvTest, ListKeepsOnlyTheValuesAccepted) {
  jobs.put("a", "open");
  jobs.put("b", "done");
  jobs.put("c", "open");
  jobs.put("c", "done");  // accepted, then refused: left out
  jobs.put("d", "done");
  jobs.put("d", "open");  // refused, then accepted: in
  jobs.put("e", "open");
  jobs.erase("e");
  std::vector<std::string> offered;
  auto entries = jobs.list([&](const KvEntry& entry) {
    offered.push_back(entry.key);
    return entry.value == "open";
  });
  std::sort(entries.begin(), entries.end(),
            [](const KvEntry& x, const KvEntry& y) { return x.key < y.key; });
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].key, "a");
  EXPECT_EQ(entries[1].key, "d");
  EXPECT_EQ(entries[1].value, "open");
  EXPECT_EQ(entries[1].revision, jobs.get("d")->revision);
  std::sort(offered.begin(), offered.end());
  EXPECT_EQ(offered, (std::vector<std::string>{"a", "b", "c", "d"}));  // each current value once
}

TEST_F(KvTest, ListSeesEveryKeyWhileKeysAreRewritten) {
  constexpr int kKeys = 200;
  for (int i = 0; i < kKeys; ++i) jobs.put("node-" + std::to_string(i), "online");
  std::atomic<bool> stop{false};
  std::atomic<int> rewrites{0};
  // A second connection rewrites keys as heartbeats do, oldest first, so that rewritten keys
  // keep moving behind the listing's position.
  Connection writer_connection(test_connection_options(env.client_url()));
  JetStream writer_js(writer_connection);
  KvStore writer_kv = KvStore::open(writer_js, "jobs");
  std::thread writer([&] {
    for (int i = 0; !stop.load(); i = (i + 1) % kKeys) {
      writer_kv.put("node-" + std::to_string(i), "heartbeat " + std::to_string(rewrites++));
    }
  });
  for (int round = 0; round < 10; ++round) {
    const auto entries = jobs.list(20s);
    std::set<std::string> keys;
    for (const auto& e : entries) keys.insert(e.key);
    EXPECT_EQ(keys.size(), static_cast<std::size_t>(kKeys)) << "round " << round;
    EXPECT_EQ(entries.size(), keys.size());
    // The same with a filter: the keys refused are not fetched again by the completion step.
    const auto even = jobs.list(
        [](const KvEntry& e) { return std::stoi(e.key.substr(e.key.find('-') + 1)) % 2 == 0; },
        20s);
    keys.clear();
    for (const auto& e : even) keys.insert(e.key);
    EXPECT_EQ(keys.size(), static_cast<std::size_t>(kKeys / 2)) << "round " << round;
    EXPECT_EQ(even.size(), keys.size());
  }
  stop = true;
  writer.join();
  EXPECT_GT(rewrites.load(), 0);
}

TEST_F(KvTest, WatchDeliversInitialValuesThenUpdates) {
  jobs.put("a", "1");
  KvWatcher watcher = jobs.watch();
  auto event = watcher.next(10s);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, KvEvent::Kind::put);
  EXPECT_EQ(event->entry.key, "a");
  event = watcher.next(10s);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, KvEvent::Kind::initial_values_done);

  const auto revision = jobs.put("b", "2");
  event = watcher.next(10s);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, KvEvent::Kind::put);
  EXPECT_EQ(event->entry, (KvEntry{"b", "2", revision, event->entry.created}));
  jobs.erase("a");
  event = watcher.next(10s);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, KvEvent::Kind::deleted);
  EXPECT_EQ(event->entry.key, "a");
  EXPECT_EQ(watcher.next(100ms), std::nullopt);
}

TEST_F(KvTest, WatchOnEmptyBucketAndStopFromAnotherThread) {
  KvWatcher watcher = jobs.watch();
  auto event = watcher.next(10s);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, KvEvent::Kind::initial_values_done);
  jobs.put("node-1", "y");
  event = watcher.next(10s);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, KvEvent::Kind::put);
  EXPECT_EQ(event->entry.key, "node-1");

  std::thread stopper([&] { watcher.stop(); });
  EXPECT_EQ(watcher.next(30s), std::nullopt);
  stopper.join();
}

}  // namespace
}  // namespace grid::bus
