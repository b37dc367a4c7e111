#pragma once
// Training pairs from a running Orthanc over its REST API: every study with a CR/DX
// image and an SR report is one pair (the on-site fine-tuning path). Torch-free.
#include <string>
#include <vector>

#include "mcr/trainer/Manifest.h"

namespace mcr::trainer {

struct OrthancSourceOptions {
  std::string url;  // http://host:port[/prefix]
  std::string user, password;  // HTTP basic auth, when set
  std::string cacheDir;        // the first image of each pair is downloaded here
};

// Splits by a hash of PatientID (splitForPatient). Studies lacking either part are skipped.
// Throws std::runtime_error when Orthanc cannot be reached or answers with an error.
std::vector<Study> fetchOrthancStudies(const OrthancSourceOptions& options);

}  // namespace mcr::trainer
