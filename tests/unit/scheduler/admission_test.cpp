// Admission's queue check against the state a killed nats-server can leave behind.
#include "grid/scheduler/admission.hpp"

#include <gtest/gtest.h>

#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/bus/topology.hpp"
#include "grid/model/job.hpp"
#include "test_env.hpp"

namespace grid::scheduler {
namespace {

using namespace std::chrono_literals;

bus::ConnectionOptions options(const std::string& url) {
  bus::ConnectionOptions o;
  o.urls = {url};
  o.name = "admission-test";
  return o;
}

// nats-server 2.9 killed with SIGKILL can keep the `scheduler` consumer's acks but lose the
// work queue's removal of those requests (seen in the kill soak): they stay in `requests`
// for ever, never delivered again, and an idle controller answered 429 "queue full" to every
// submission. The stand-in for that state: a `requests` stream that keeps acknowledged
// messages (limits retention), and two requests the scheduler consumer acknowledged.
TEST(AdmissionTest, AcknowledgedRequestsLeftInTheQueueDoNotFillIt) {
  grid::test::TestEnv env;
  bus::Connection connection(options(env.client_url()));
  bus::JetStream js(connection);
  auto stream = bus::requests_stream_config(1);
  stream.retention = bus::Retention::limits;
  js.ensure_stream(stream);
  js.ensure_consumer(stream.name, bus::scheduler_consumer_config());
  JobStore jobs(bus::KvStore::create_or_open(js, std::string(bus::kJobsBucket), 1));
  auto nodes = bus::KvStore::create_or_open(js, std::string(bus::kNodesBucket), 1);

  js.publish(bus::request_subject("aaaaaaaaaaaaaaaa"), "{}");
  js.publish(bus::request_subject("bbbbbbbbbbbbbbbb"), "{}");
  auto subscription = js.pull_subscribe(stream.name, std::string(bus::kSchedulerDurable));
  std::size_t acked = 0;
  ASSERT_TRUE(grid::test::wait_for([&] {
    for (auto& message : subscription.fetch(2, 500ms)) {
      message.ack();
      ++acked;
    }
    return acked == 2 &&
           js.consumer_info(stream.name, std::string(bus::kSchedulerDurable)).ack_floor == 2;
  }));
  ASSERT_EQ(js.stream_info(stream.name).messages, 2u);

  ClaimHints hints;
  AbandonedJobs abandoned;
  Admission admission(js, jobs, hints, abandoned, std::move(nodes), /*max_pending=*/2);
  const auto result = admission.submit(model::decode_job_request(
      {{"target", {{"scope", "all"}, {"value", ""}}},
       {"tasks", nlohmann::json::array({{{"backend", "test"}, {"action", "succeed"}}})}}));
  // Past the queue check: no node is online, so target resolution refuses it.
  EXPECT_EQ(result.http_status, 422) << result.error;
  EXPECT_EQ(js.stream_info(stream.name).messages, 0u);
}

}  // namespace
}  // namespace grid::scheduler
