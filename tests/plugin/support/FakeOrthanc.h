#pragma once
// An in-memory Orthanc behind the OrthancPort, for unit tests of the plugin's logic (no
// Orthanc process). It answers the REST resources the plugin reads with Orthanc 1.10's
// JSON shapes and keeps Orthanc's /changes semantics that the logic depends on:
//  - storing an instance appends a NewInstance change (re-storing the same id too: Orthanc's
//    OverwriteInstances);
//  - deleting a resource removes its instances and every /changes row naming them, and
//    returns the Deleted notices Orthanc's change callback would give (only to that node);
//  - failNext() makes the next matching call throw OrthancError (a transient failure).
// Thread-safe (the ingest pipeline fetches files from decoding threads).
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ChangeQueue.h"
#include "OrthancPort.h"

namespace mcr::plugin::testing {

struct FakeInstance {
  std::string id, series, study, patient;
  std::string modality = "DX";
  std::string studyDate = "20260101";
  std::string sopInstanceUid;
  std::string dicom;  // the file's bytes
};

class FakeOrthanc final : public orthanc::OrthancPort {
 public:
  void store(const FakeInstance& instance);
  void stableStudy(const std::string& studyId);
  // Any level (instance, series, study, patient id): what Orthanc's callback would report.
  std::deque<ChangeNotice> deleteResource(const std::string& id);
  // The next call whose URI starts with `uriPrefix` (or instanceFile of that id) throws.
  void failNext(const std::string& uriPrefix);

  std::vector<std::string> logged(orthanc::LogLevel level) const;

  std::optional<std::string> get(const std::string& uri) override;
  std::optional<std::string> post(const std::string& uri, std::string_view body) override;
  std::optional<std::string> instanceFile(const std::string& instanceId) override;
  std::optional<std::string> globalProperty(int32_t key) override;
  void setGlobalProperty(int32_t key, const std::string& value) override;
  void log(orthanc::LogLevel level, const std::string& message) override;

 private:
  struct ChangeRow {
    int64_t seq;
    std::string type, resourceType, id;
  };
  void checkFailure(const std::string& what);
  std::optional<std::string> answer(const std::string& uri) const;
  std::string changesJson(int64_t since, std::size_t limit) const;

  mutable std::mutex mutex_;
  std::map<std::string, FakeInstance> instances_;
  std::vector<ChangeRow> changes_;
  int64_t lastSeq_ = 0;
  std::map<int32_t, std::string> properties_;
  std::vector<std::string> failures_;
  std::vector<std::pair<orthanc::LogLevel, std::string>> log_;
};

}  // namespace mcr::plugin::testing
