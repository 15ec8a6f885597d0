// NodeView (admission's live copy of KV `nodes`) against a real nats-server: it loads what is
// there, follows puts, rewrites and deletes in listing order, skips garbage entries, and
// answers from a direct listing where its copy would refuse a job.
#include <gtest/gtest.h>

#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/model/json.hpp"
#include "grid/scheduler/node_view.hpp"
#include "test_env.hpp"

namespace grid::scheduler {
namespace {

using namespace std::chrono_literals;

class NodeViewTest : public ::testing::Test {
 protected:
  static bus::ConnectionOptions options(const std::string& url) {
    bus::ConnectionOptions o;
    o.urls = {url};
    o.name = "node-view-test";
    return o;
  }

  bus::KvStore open() { return bus::KvStore::open(js, std::string(bus::kNodesBucket)); }

  void put(const std::string& id, std::vector<std::string> groups, const std::string& status = "online") {
    model::NodeInfo info{id, "host-" + id, std::move(groups), std::vector<std::string>{"test"},
                         status, now()};
    nodes.put(id, model::to_json_text(info));
  }

  // Waits until the view, without falling back, answers `expected` for `target`.
  bool view_answers(NodeView& view, const model::Target& target,
                    const std::vector<std::string>& expected) {
    return grid::test::wait_for([&] { return view.resolve(target, now()) == expected; }, 10s);
  }

  grid::test::TestEnv env;
  bus::Connection connection{options(env.client_url())};
  bus::JetStream js{connection};
  bus::KvStore nodes = bus::KvStore::create_or_open(js, std::string(bus::kNodesBucket), 1);
};

TEST_F(NodeViewTest, FollowsTheBucketInListingOrder) {
  put("n1", {"web"});
  put("n2", {"db"});
  nodes.put("garbage", "{not json");
  model::NodeInfo imposter{"n2", "elsewhere", std::vector<std::string>{"web"},
                           std::vector<std::string>{"test"}, "online", now()};
  nodes.put("imposter", model::to_json_text(imposter));  // names another node's ID
  NodeView view(open());
  ASSERT_TRUE(grid::test::wait_for([&] { return view.loaded(); }));
  EXPECT_EQ(view.resolve({"all", ""}, now()), (std::vector<std::string>{"n1", "n2"}));

  put("n3", {"web"});
  EXPECT_TRUE(view_answers(view, {"group", "web"}, {"n1", "n3"}));
  put("n1", {"web"});  // a heartbeat moves n1 after n3 (ascending last update)
  EXPECT_TRUE(view_answers(view, {"group", "web"}, {"n3", "n1"}));
  put("n3", {"web"}, "offline");
  EXPECT_TRUE(view_answers(view, {"group", "web"}, {"n1"}));
  nodes.erase("n1");
  EXPECT_TRUE(view_answers(view, {"all", ""}, {"n2"}));
  EXPECT_EQ(view.resolve({"node", "garbage"}, now()), std::vector<std::string>{});
}

TEST_F(NodeViewTest, ANodeWrittenJustBeforeResolvingIsFound) {
  NodeView view(open());
  ASSERT_TRUE(grid::test::wait_for([&] { return view.loaded(); }));
  for (int i = 0; i < 20; ++i) {
    const auto id = "fresh" + std::to_string(i);
    put(id, {});
    // No waiting: where the copy has not seen the node yet, the direct listing finds it.
    EXPECT_EQ(view.resolve({"node", id}, now()), std::vector<std::string>{id});
  }
}

}  // namespace
}  // namespace grid::scheduler
