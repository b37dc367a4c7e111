#pragma once
// The bounded hand-off between Orthanc's change callback (which must stay O(1) and never
// block on the plugin) and the ingest worker. The queue only says "something happened":
// the worker's source of truth is Orthanc's /changes feed, so a full queue drops the
// notification (counted) and nothing is lost. SDK-free; tested under TSan.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

namespace mcr::plugin {

// The changes the worker acts on (the SDK's change callback translates its own types).
enum class ChangeKind { NewInstance, Deleted, StableStudy };

struct ChangeNotice {
  ChangeKind kind = ChangeKind::NewInstance;
  std::string resourceId;
};

class ChangeQueue {
 public:
  explicit ChangeQueue(std::size_t capacity) : capacity_(capacity) {}

  // Never blocks beyond the short critical section. Returns false only once closed; a full
  // queue drops the notice (counted in dropped()) and still wakes the worker, which then
  // catches up from /changes, and returns true.
  bool push(ChangeNotice notice) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_) return false;
      if (items_.size() >= capacity_) {
        ++dropped_;
        wake_ = true;
      } else {
        items_.push_back(std::move(notice));
      }
    }
    ready_.notify_one();
    return true;
  }

  // Waits until something was pushed, close() was called or the timeout elapsed; then
  // takes everything queued. Returns false once closed.
  bool waitAndDrain(std::chrono::milliseconds timeout, std::deque<ChangeNotice>& out) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return closed_ || wake_ || !items_.empty(); });
    out.clear();
    out.swap(items_);
    wake_ = false;
    return !closed_;
  }

  // Lets the worker wake early without a change (e.g. a reindex wants the worker's lock).
  void poke() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_ = true;
    }
    ready_.notify_one();
  }

  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  void reopen() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = false;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }
  std::size_t dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<ChangeNotice> items_;
  std::size_t dropped_ = 0;
  bool wake_ = false;
  bool closed_ = false;
};

}  // namespace mcr::plugin
