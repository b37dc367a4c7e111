#include "StatusCounters.h"

#include <ctime>

#include <boost/json.hpp>


namespace mcr::plugin {

namespace json = boost::json;

namespace {
constexpr std::size_t kRecentSkipped = 50;
constexpr std::size_t kRecentErrors = 20;
}  // namespace

void StatusCounters::skipped(const std::string& instance, const std::string& reason, const std::string& message) {
  if (log_) log_(orthanc::LogLevel::Warning, "instance " + instance + " not indexed (" + reason + "): " + message);
  std::lock_guard<std::mutex> lock(mutex_);
  ++skippedByReason_[reason];
  ++skippedTotal_;
  skippedRecent_.push_back(json::object{{"instance", instance}, {"reason", reason}, {"message", message},
                                        {"atUnix", static_cast<int64_t>(std::time(nullptr))}});
  if (skippedRecent_.size() > kRecentSkipped) skippedRecent_.pop_front();
}

void StatusCounters::error(const std::string& message) {
  if (log_) log_(orthanc::LogLevel::Error, message);
  std::lock_guard<std::mutex> lock(mutex_);
  errors_.push_back(json::object{{"atUnix", static_cast<int64_t>(std::time(nullptr))}, {"message", message}});
  if (errors_.size() > kRecentErrors) errors_.pop_front();
}

void StatusCounters::embeddingTime(double ms, std::size_t items) {
  std::lock_guard<std::mutex> lock(mutex_);
  embeddingMsTotal_ += ms;
  embeddedItems_ += static_cast<double>(items);
}

void StatusCounters::searchTime(double ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  searchMsTotal_ += ms;
  searches_ += 1;
}

void StatusCounters::setReindexJob(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  reindexJob_ = id;
}

double StatusCounters::embeddingMsAvg() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return embeddedItems_ > 0 ? embeddingMsTotal_ / embeddedItems_ : 0.0;
}
double StatusCounters::searchMsAvg() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return searches_ > 0 ? searchMsTotal_ / searches_ : 0.0;
}
int64_t StatusCounters::skippedTotal() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return skippedTotal_;
}
std::string StatusCounters::reindexJob() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reindexJob_;
}

json::value StatusCounters::skippedJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json::object byReason;
  for (const auto& [reason, count] : skippedByReason_) byReason[reason] = count;
  json::array recent(skippedRecent_.begin(), skippedRecent_.end());
  return json::object{{"total", skippedTotal_}, {"byReason", byReason}, {"recent", recent}};
}

json::value StatusCounters::errorsJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return json::array(errors_.begin(), errors_.end());
}

}  // namespace mcr::plugin
