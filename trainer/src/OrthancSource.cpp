#include "mcr/trainer/OrthancSource.h"

#include <filesystem>
#include <fstream>

#include <boost/json.hpp>

#include "HttpOrthancPort.h"
#include "OrthancRest.h"
#include "mcr/report/ReportText.h"

namespace mcr::trainer {
namespace fs = std::filesystem;

namespace {

std::string required(std::optional<std::string> body, const std::string& what) {
  if (!body) throw std::runtime_error("Orthanc has no " + what + " (deleted while reading?)");
  return std::move(*body);
}

// The first CR/DX image and the first SR of a study, if it has both.
struct PairInstances {
  std::string image, report;
};
std::optional<PairInstances> pairOf(orthanc::OrthancPort& port, const std::string& studyId) {
  PairInstances pair;
  for (const auto& series : orthanc::seriesOfStudy(port, studyId).value_or(std::vector<orthanc::SeriesListing>{})) {
    if (series.instances.empty()) continue;
    if ((series.modality == "CR" || series.modality == "DX") && pair.image.empty()) pair.image = series.instances.front();
    if (series.modality == "SR" && pair.report.empty()) pair.report = series.instances.front();
  }
  if (pair.image.empty() || pair.report.empty()) return std::nullopt;
  return pair;
}

}  // namespace

std::vector<Study> fetchOrthancStudies(const OrthancSourceOptions& o) {
  orthanc::HttpOrthancPort port(orthanc::HttpOrthancOptions{o.url, o.user, o.password});
  fs::create_directories(o.cacheDir);
  std::vector<Study> out;
  for (const std::string& id : orthanc::listStudies(port)) {
    const auto pair = pairOf(port, id);
    if (!pair) continue;
    std::string reportText;
    try {
      const std::string sr = required(port.instanceFile(pair->report), "file for instance " + pair->report);
      reportText = report::readReportText(sr.data(), sr.size());
    } catch (const report::NoReportText&) {
      continue;  // an SR without narrative text is not a training pair
    }
    if (reportText.empty()) continue;
    const fs::path imagePath = fs::path(o.cacheDir) / (pair->image + ".dcm");
    if (!fs::exists(imagePath)) {
      const std::string bytes = required(port.instanceFile(pair->image), "file for instance " + pair->image);
      const fs::path tmp = imagePath.string() + ".tmp";
      std::ofstream(tmp, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      fs::rename(tmp, imagePath);
    }
    const auto study = orthanc::getJson(port, "/studies/" + id);
    Study s;
    s.studyId = id;
    s.patientId = study ? orthanc::field(*study, "PatientMainDicomTags", "PatientID") : "";
    if (s.patientId.empty()) s.patientId = id;
    s.split = splitForPatient(s.patientId);
    s.imagePath = imagePath.string();
    s.reportText = reportText;
    out.push_back(std::move(s));
  }
  if (out.empty()) throw std::runtime_error("Orthanc at " + o.url + " holds no study with both a CR/DX image and an SR report");
  return out;
}

}  // namespace mcr::trainer
