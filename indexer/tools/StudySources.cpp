#include "StudySources.h"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "HttpOrthancPort.h"
#include "IngestPipeline.h"
#include "OrthancRest.h"
#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/ImageOps.h"
#include "mcr/report/ReportText.h"
#include "mcr/synth/Csv.h"

namespace mcr::index::tools {
namespace {

std::string folderOf(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<PendingStudy> readManifest(const std::string& manifestPath) {
  // The one manifest CSV reader of the project (mcr-synth writes these files).
  const synth::CsvTable table = synth::readCsvFile(manifestPath);
  if (!table.issues.empty()) {
    const auto& issue = table.issues.front();
    throw std::runtime_error("manifest '" + manifestPath + "' line " + std::to_string(issue.line) + ": " + issue.message);
  }
  auto column = [&](const char* name) {
    const int index = table.column(name);
    if (index < 0) throw std::runtime_error("manifest '" + manifestPath + "' has no column '" + name + "'");
    return static_cast<std::size_t>(index);
  };
  const std::size_t studyColumn = column("study_id"), patientColumn = column("patient_id"),
                    imageColumn = column("image_path"), reportColumn = column("report_text");
  const std::string folder = folderOf(manifestPath);
  std::vector<PendingStudy> studies;
  for (const auto& record : table.rows) {
    const auto& row = record.fields;
    const std::size_t r = record.row;
    PendingStudy study;
    study.patient = row[patientColumn];
    study.study = row[studyColumn];
    if (study.study.empty()) throw std::runtime_error("manifest row " + std::to_string(r) + " has no study_id");
    if (!row[imageColumn].empty()) {
      PendingImage image;
      image.series = study.study + "/series";
      image.instance = study.study + "/image";
      const std::string path = folder + "/" + row[imageColumn];
      image.load = [path] {
        return endsWith(path, ".png") || endsWith(path, ".PNG") ? image::loadPng(path) : image::decodeDicomFile(path).image;
      };
      study.images.push_back(std::move(image));
    }
    const std::string text = report::normaliseReportText(row[reportColumn]);
    if (!text.empty()) study.report = PendingReport{study.study + "/series", study.study + "/report", text};
    studies.push_back(std::move(study));
  }
  return studies;
}

std::vector<PendingStudy> listOrthancStudies(const std::string& url, const std::vector<std::string>& imageModalities) {
  auto port = std::make_shared<orthanc::HttpOrthancPort>(orthanc::HttpOrthancOptions{url, "", ""});
  std::vector<PendingStudy> studies;
  for (const std::string& studyId : orthanc::listStudies(*port)) {
    const auto studyJson = orthanc::getJson(*port, "/studies/" + studyId);
    const auto series = orthanc::seriesOfStudy(*port, studyId);
    if (!studyJson || !series) continue;  // deleted while listing
    PendingStudy study;
    study.study = studyId;
    study.patient = orthanc::field(*studyJson, "ParentPatient");
    study.studyDate = orthanc::field(*studyJson, "MainDicomTags", "StudyDate");
    for (const auto& s : *series) {
      const bool isImage = std::find(imageModalities.begin(), imageModalities.end(), s.modality) != imageModalities.end();
      for (const std::string& instanceId : s.instances) {
        if (isImage) {
          PendingImage image{s.id, instanceId, "", s.modality, {}};
          image.load = [port, instanceId] {
            const auto bytes = port->instanceFile(instanceId);
            if (!bytes) throw ingest::ItemGone("instance " + instanceId + " was deleted");
            return image::decodeDicomBuffer(bytes->data(), bytes->size()).image;
          };
          study.images.push_back(std::move(image));
        } else if (s.modality == "SR" && !study.report) {
          const auto bytes = port->instanceFile(instanceId);
          if (!bytes) continue;
          try {
            study.report = PendingReport{s.id, instanceId, report::readReportText(bytes->data(), bytes->size())};
          } catch (const report::NoReportText&) {
            // not a narrative SR: look at the next one
          }
        }
      }
    }
    studies.push_back(std::move(study));
  }
  return studies;
}

}  // namespace mcr::index::tools
