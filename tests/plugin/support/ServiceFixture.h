#pragma once
// A PluginContext around a FakeOrthanc, with the committed tiny model and a temporary
// index folder, plus real DICOM studies written once by mcr-synth (images and SR reports).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "FakeOrthanc.h"
#include "IngestWorker.h"
#include "PluginContext.h"

namespace mcr::plugin::testing {

struct SynthStudy {
  std::string studyId, patientId, findings;
  std::string imageDicom, reportDicom;
};

// Studies rendered once per test binary (grammar studies, fixed seed).
const std::vector<SynthStudy>& synthStudies();

class ServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Stores study `i` of synthStudies() (image and report), ids derived from `tag`.
  void storeStudy(std::size_t i, const std::string& tag = "");
  static std::string imageId(std::size_t i, const std::string& tag = "") { return "img-" + tag + std::to_string(i); }
  static std::string reportId(std::size_t i, const std::string& tag = "") { return "rep-" + tag + std::to_string(i); }
  static std::string studyId(std::size_t i, const std::string& tag = "") { return "study-" + tag + std::to_string(i); }
  static std::string patientId(std::size_t i) { return "patient-" + std::to_string(i); }

  // Runs the worker's rounds until /changes is drained.
  void drain(const std::deque<ChangeNotice>& notices = {});
  std::shared_ptr<ModelIndex> serving() { return context_->serving.current(); }
  // A fresh context on the same fake and index folder (a plugin restart).
  void restart();

  PluginConfig config_;
  std::filesystem::path indexDir_;
  FakeOrthanc orthanc_;
  std::unique_ptr<PluginContext> context_;
  std::unique_ptr<IngestWorker> worker_;
};

}  // namespace mcr::plugin::testing
