#pragma once
// The counters that /plugins/mcr/status and the metrics report: ingest progress, skipped
// instances by reason, recent errors, reindex progress. Thread-safe.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <boost/json/value.hpp>

#include "OrthancPort.h"

namespace mcr::plugin {

class StatusCounters {
 public:
  using Logger = std::function<void(orthanc::LogLevel, const std::string&)>;
  // Skipped instances and errors are also logged through `log` (Orthanc's log).
  explicit StatusCounters(Logger log = {}) : log_(std::move(log)) {}

  std::atomic<bool> workerRunning{false};
  std::atomic<int64_t> cursor{0};
  std::atomic<int64_t> lastChange{0};
  std::atomic<int64_t> processedChanges{0};
  std::atomic<int64_t> embeddedImages{0};
  std::atomic<int64_t> embeddedReports{0};
  std::atomic<int64_t> studyVectors{0};
  std::atomic<int64_t> removed{0};
  std::atomic<int64_t> ignored{0};  // instances of modalities that are not indexed

  std::atomic<bool> reindexRunning{false};
  std::atomic<int64_t> reindexProcessed{0};
  std::atomic<int64_t> reindexTotal{0};

  void skipped(const std::string& instance, const std::string& reason, const std::string& message);
  void error(const std::string& message);  // also logged
  void embeddingTime(double ms, std::size_t items);
  void searchTime(double ms);
  void setReindexJob(const std::string& id);

  double embeddingMsAvg() const;
  double searchMsAvg() const;
  int64_t skippedTotal() const;
  boost::json::value skippedJson() const;
  boost::json::value errorsJson() const;
  std::string reindexJob() const;

 private:
  Logger log_;
  mutable std::mutex mutex_;
  std::map<std::string, int64_t> skippedByReason_;
  int64_t skippedTotal_ = 0;
  std::deque<boost::json::value> skippedRecent_;
  std::deque<boost::json::value> errors_;
  double embeddingMsTotal_ = 0;
  double embeddedItems_ = 0;
  double searchMsTotal_ = 0;
  double searches_ = 0;
  std::string reindexJob_;
};

}  // namespace mcr::plugin
