// AsyncPublisher against a real nats-server: acks with sequences, JetStream errors with their
// codes (CAS conflict), no stream, no answer within the timeout, and no callback after
// destruction.
#include "grid/bus/async_publisher.hpp"

#include <atomic>
#include <mutex>
#include <vector>

#include "bus_fixture.hpp"
#include "grid/bus/core_subscription.hpp"
#include "grid/bus/kv.hpp"

namespace grid::bus {
namespace {

using namespace std::chrono_literals;

// Collects the acks of one test.
class Acks {
 public:
  AsyncPublisher::Callback sink() {
    return [this](PublishAck ack) {
      std::lock_guard lock(mutex_);
      acks_.push_back(std::move(ack));
    };
  }
  std::vector<PublishAck> wait_for(std::size_t count) {
    EXPECT_TRUE(test::wait_for([&] {
      std::lock_guard lock(mutex_);
      return acks_.size() >= count;
    })) << "only " << size() << " of " << count << " acks arrived";
    std::lock_guard lock(mutex_);
    return acks_;
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return acks_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<PublishAck> acks_;
};

class AsyncPublisherTest : public BusTest {};

TEST_F(AsyncPublisherTest, AcksCarryTheStreamSequenceInOrder) {
  js.ensure_stream(StreamConfig{.name = "T", .subjects = {"t.>"}});
  AsyncPublisher publisher(connection, 5s);
  Acks acks;
  for (int i = 0; i < 3; ++i) publisher.publish(Message("t.x", "m" + std::to_string(i)), acks.sink());
  const auto got = acks.wait_for(3);
  ASSERT_EQ(got.size(), 3u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_FALSE(got[i].error) << got[i].error->what();
    EXPECT_EQ(got[i].sequence, i + 1);
  }
  EXPECT_EQ(js.stream_info("T").messages, 3u);
}

TEST_F(AsyncPublisherTest, AFullWindowKeepsLaterPublishesBackInOrder) {
  js.ensure_stream(StreamConfig{.name = "T", .subjects = {"t.>"}});
  AsyncPublisher publisher(connection, 5s, 1);
  Acks acks;
  for (int i = 0; i < 20; ++i) publisher.publish(Message("t.x", "m"), acks.sink());
  const auto got = acks.wait_for(20);
  ASSERT_EQ(got.size(), 20u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].sequence, i + 1);
}

TEST_F(AsyncPublisherTest, NoMoreThanTheWindowIsSentBeforeAcksOrTimeouts) {
  std::atomic<int> received{0};
  CoreSubscription silent(connection, "silent.>", [&](Message) { ++received; });
  connection.flush(5s);
  AsyncPublisher publisher(connection, 2s, 2);
  Acks acks;
  for (int i = 0; i < 4; ++i) publisher.publish(Message("silent.x", "data"), acks.sink());
  ASSERT_TRUE(test::wait_for([&] { return received.load() >= 2; }));
  EXPECT_EQ(received.load(), 2);  // the other two wait for a free slot (≥ 2 s away)
  EXPECT_EQ(acks.size(), 0u);
  const auto got = acks.wait_for(4);
  EXPECT_EQ(received.load(), 4);
  for (const auto& ack : got) {
    ASSERT_TRUE(ack.error);
    EXPECT_TRUE(ack.error->is_timeout());
  }
}

TEST_F(AsyncPublisherTest, CompareAndSwapConflictIsReportedWithItsCode) {
  auto kv = KvStore::create_or_open(js, "cas", 1);
  const auto revision = kv.put("k", "v1");
  AsyncPublisher publisher(connection, 5s);
  Acks acks;
  publisher.publish(kv.update_message("k", "stale", revision + 7), acks.sink());
  publisher.publish(kv.update_message("k", "v2", revision), acks.sink());
  const auto got = acks.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  ASSERT_TRUE(got[0].error);
  EXPECT_TRUE(got[0].error->is_cas_conflict()) << got[0].error->what();
  ASSERT_FALSE(got[1].error) << got[1].error->what();
  EXPECT_GT(got[1].sequence, revision);
  EXPECT_EQ(kv.get("k")->value, "v2");
}

TEST_F(AsyncPublisherTest, SubjectWithoutStreamFailsAtOnce) {
  AsyncPublisher publisher(connection, 1h);  // only "no responders" can end it in time
  Acks acks;
  publisher.publish(Message("nostream.x", "data"), acks.sink());
  const auto got = acks.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].error);
  EXPECT_EQ(got[0].error->status(), NATS_NO_RESPONDERS) << got[0].error->what();
  EXPECT_NE(std::string(got[0].error->what()).find("nostream.x"), std::string::npos);
}

TEST_F(AsyncPublisherTest, NoAnswerWithinTheTimeoutIsATimeout) {
  std::atomic<int> received{0};
  CoreSubscription silent(connection, "silent.>", [&](Message) { ++received; });
  connection.flush(5s);
  AsyncPublisher publisher(connection, 200ms);
  Acks acks;
  publisher.publish(Message("silent.x", "data"), acks.sink());
  const auto got = acks.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].error);
  EXPECT_TRUE(got[0].error->is_timeout()) << got[0].error->what();
  EXPECT_EQ(received.load(), 1);
}

TEST_F(AsyncPublisherTest, NoCallbackAfterDestruction) {
  std::atomic<int> received{0};
  CoreSubscription silent(connection, "silent.>", [&](Message) { ++received; });
  connection.flush(5s);
  std::atomic<int> called{0};
  {
    AsyncPublisher publisher(connection, 200ms);
    publisher.publish(Message("silent.x", "data"), [&](PublishAck) { ++called; });
    ASSERT_TRUE(test::wait_for([&] { return received.load() == 1; }));
  }
  // Past the timeout the destroyed publisher would have reported it.
  AsyncPublisher witness(connection, 400ms);
  Acks acks;
  witness.publish(Message("silent.y", "data"), acks.sink());
  acks.wait_for(1);
  EXPECT_EQ(called.load(), 0);
}

}  // namespace
}  // namespace grid::bus
