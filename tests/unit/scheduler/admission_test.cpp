// Admission against the states a failing nats-server can leave behind: acknowledged requests
// left in the queue, and a store that takes a job but then neither its request nor its removal.
#include "grid/scheduler/admission.hpp"

#include <gtest/gtest.h>
#include <nats/nats.h>

#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/bus/topology.hpp"
#include "grid/model/job.hpp"
#include "grid/model/json.hpp"
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

// Lets stream `name` take no message beyond the `max` it holds (discard new), through nats.c:
// bus::StreamConfig has no message limit, GRID never sets one. A key's history becomes 2:
// with 1, the server lets a key's next message replace its last one even in a full stream.
void refuse_messages_beyond(bus::JetStream& js, const std::string& name, std::int64_t max) {
  jsStreamInfo* raw = nullptr;
  jsErrCode code{};
  ASSERT_EQ(js_GetStreamInfo(&raw, js.context().get(), name.c_str(), nullptr, &code), NATS_OK)
      << code;
  bus::StreamInfoHandle info(raw);
  info->Config->MaxMsgs = max;
  info->Config->Discard = js_DiscardNew;
  info->Config->MaxMsgsPerSubject = 2;
  jsStreamInfo* updated = nullptr;
  ASSERT_EQ(js_UpdateStream(&updated, js.context().get(), info->Config, nullptr, &code), NATS_OK)
      << code;
  bus::StreamInfoHandle owned(updated);
}

// BUG-48: the store takes the job's entry, then refuses both its request (no stream holds
// request.<id>) and the entry's removal (the job bucket is full). Admission answers 500 and
// hands the job to the recovery scan, which deletes such an entry later instead of queueing it
// (recovery_scan_test); without the hand-over the scan's rule B would run the refused job.
TEST(AdmissionTest, ARefusedJobWhoseEntryStaysIsHandedToTheRecoveryScan) {
  grid::test::TestEnv env;
  bus::Connection connection(options(env.client_url()));
  bus::JetStream js(connection);
  auto stream = bus::requests_stream_config(1);
  stream.subjects = {"elsewhere.>"};
  js.ensure_stream(stream);
  JobStore jobs(bus::KvStore::create_or_open(js, std::string(bus::kJobsBucket), 1));
  refuse_messages_beyond(js, "KV_" + std::string(bus::kJobsBucket), 1);
  auto nodes = bus::KvStore::create_or_open(js, std::string(bus::kNodesBucket), 1);
  nodes.put("n1", model::to_json_text(model::NodeInfo{"n1", "host-n1", std::vector<std::string>{},
                                                      std::vector<std::string>{"test"}, "online",
                                                      now()}));

  ClaimHints hints;
  AbandonedJobs abandoned;
  Admission admission(js, jobs, hints, abandoned, std::move(nodes), /*max_pending=*/2);
  const auto result = admission.submit(model::decode_job_request(
      {{"target", {{"scope", "node"}, {"value", "n1"}}},
       {"tasks", nlohmann::json::array({{{"backend", "test"}, {"action", "succeed"}}})}}));

  EXPECT_EQ(result.http_status, 500) << result.error;
  EXPECT_NE(result.error.find("publishing request"), std::string::npos) << result.error;
  const auto listed = jobs.kv().list();
  ASSERT_EQ(listed.size(), 1u);  // the entry the store would not remove
  EXPECT_EQ(abandoned.ids(), std::set<std::string>{listed.front().key});
}

}  // namespace
}  // namespace grid::scheduler
