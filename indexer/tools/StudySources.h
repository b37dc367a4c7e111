#pragma once
// Where `mcr-index build` finds studies: an mcr-synth manifest or an Orthanc server.
// Only with the model (MCR_INDEX_WITH_MODEL): these pull in mcr_image and mcr_report.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mcr/image/GrayImage.h"

namespace mcr::index::tools {

struct PendingImage {
  std::string series, instance, sopInstanceUid, modality;
  std::function<image::GrayImage()> load;  // decodes on demand; throws on failure
};

struct PendingReport {
  std::string series, instance, text;  // text already normalised
};

struct PendingStudy {
  std::string patient, study, studyDate;
  std::vector<PendingImage> images;
  std::optional<PendingReport> report;
};

// manifest.csv of mcr-synth: one study per row (study_id, patient_id, image_path, report_text;
// image_path relative to the manifest's folder, PNG or DICOM). Ids are the manifest's, with
// "<study>/image" and "<study>/report" as the instance keys.
std::vector<PendingStudy> readManifest(const std::string& manifestPath);

// Every study of an Orthanc server (REST API): image instances of `imageModalities`, the
// text of the first SR that has any. Orthanc ids throughout, as the plugin stores them.
std::vector<PendingStudy> listOrthancStudies(const std::string& url, const std::vector<std::string>& imageModalities);

}  // namespace mcr::index::tools
