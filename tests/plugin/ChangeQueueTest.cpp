#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ChangeQueue.h"

using namespace mcr::plugin;
using namespace std::chrono_literals;

TEST(ChangeQueue, BoundedDropsAndCounts) {
  ChangeQueue q(3);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(q.push({ChangeKind::NewInstance, std::to_string(i)}));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.dropped(), 2u);
  std::deque<ChangeNotice> out;
  EXPECT_TRUE(q.waitAndDrain(0ms, out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out.front().resourceId, "0");
  EXPECT_EQ(q.size(), 0u);
}

TEST(ChangeQueue, CloseWakesWaiterAndRejects) {
  ChangeQueue q(10);
  std::atomic<bool> returned{false};
  std::thread waiter([&] {
    std::deque<ChangeNotice> out;
    while (q.waitAndDrain(10s, out)) {
    }
    returned = true;
  });
  std::this_thread::sleep_for(20ms);
  q.close();
  waiter.join();
  EXPECT_TRUE(returned);
  EXPECT_FALSE(q.push({ChangeKind::NewInstance, "x"}));
}

// Many producers (Orthanc's storing threads) and one consumer (the worker): nothing is
// counted twice, every push is either delivered or counted as dropped.
TEST(ChangeQueue, ConcurrentProducersOneConsumer) {
  ChangeQueue q(64);
  constexpr int kProducers = 8, kEach = 2000;
  std::atomic<int> delivered{0};
  std::atomic<bool> stop{false};
  std::thread consumer([&] {
    std::deque<ChangeNotice> out;
    while (q.waitAndDrain(1ms, out)) {
      delivered += static_cast<int>(out.size());
      if (stop && q.size() == 0) break;
    }
  });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) q.push({ChangeKind::NewInstance, "id"});
    });
  for (auto& t : producers) t.join();
  stop = true;
  q.poke();
  consumer.join();
  std::deque<ChangeNotice> rest;
  q.waitAndDrain(0ms, rest);
  delivered += static_cast<int>(rest.size());
  EXPECT_EQ(delivered + static_cast<int>(q.dropped()), kProducers * kEach);
}
