#pragma once
// Study manifests: mcr-synth's manifest.csv or a generic CSV of (image, report) pairs.
// Torch-free.
#include <stdexcept>
#include <string>
#include <vector>

namespace mcr::trainer {

class ManifestError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Study {
  std::string studyId;
  std::string patientId;
  std::string split;       // "train", "val" or "test"
  std::string imagePath;   // absolute, or relative to the working directory
  std::string reportText;  // normalised (report::normaliseReportText)
  std::string findings;    // ';'-separated canonical findings; empty = normal or unknown
  bool hasFindings = false;  // whether the manifest had a findings column
};

// Columns (header names, any order): image_path and report_text or report_path (an SR
// .dcm or a .txt) are required; study_id, patient_id, split, findings are optional.
// Relative paths are resolved against the manifest's folder. Without a split column the
// split is drawn from a hash of patient_id (80/10/10), so it is always by patient.
// Throws ManifestError for a missing file or column, a patient in two splits, or no rows.
std::vector<Study> loadManifest(const std::string& path);

// "train", "val", "test" or "all".
std::vector<Study> selectSplit(const std::vector<Study>& studies, const std::string& split);

// A study's finding set in one canonical form (sorted, deduplicated "name/qualifier;..."):
// equal keys = equal finding sets. "" is a normal study.
std::string findingSetKey(const std::string& findings);

// The deterministic by-patient split used when a manifest has none.
std::string splitForPatient(const std::string& patientId);

}  // namespace mcr::trainer
