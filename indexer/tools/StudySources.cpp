#include "StudySources.h"

#include <httplib.h>

#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

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

namespace {

class OrthancClient {
 public:
  explicit OrthancClient(const std::string& url) : client_(std::make_shared<httplib::Client>(url)) {
    client_->set_connection_timeout(10);
    client_->set_read_timeout(120);
  }
  std::string get(const std::string& path) const {
    auto response = client_->Get(path);
    if (!response) throw std::runtime_error("Orthanc GET " + path + ": " + httplib::to_string(response.error()));
    if (response->status != 200) throw std::runtime_error("Orthanc GET " + path + ": HTTP " + std::to_string(response->status));
    return response->body;
  }
  boost::json::value json(const std::string& path) const { return boost::json::parse(get(path)); }

 private:
  std::shared_ptr<httplib::Client> client_;
};

std::string tag(const boost::json::value& resource, const char* name) {
  const auto* tags = resource.as_object().if_contains("MainDicomTags");
  if (!tags) return "";
  const auto* value = tags->as_object().if_contains(name);
  return value && value->is_string() ? std::string(value->as_string()) : "";
}

}  // namespace

std::vector<PendingStudy> listOrthancStudies(const std::string& url, const std::vector<std::string>& imageModalities) {
  OrthancClient orthanc(url);
  std::vector<PendingStudy> studies;
  for (const auto& id : orthanc.json("/studies").as_array()) {
    const std::string studyId(id.as_string());
    const auto studyJson = orthanc.json("/studies/" + studyId);
    PendingStudy study;
    study.study = studyId;
    study.patient = std::string(studyJson.at("ParentPatient").as_string());
    study.studyDate = tag(studyJson, "StudyDate");
    for (const auto& series : orthanc.json("/studies/" + studyId + "/series").as_array()) {
      const std::string seriesId(series.at("ID").as_string());
      const std::string modality = tag(series, "Modality");
      const bool isImage = std::find(imageModalities.begin(), imageModalities.end(), modality) != imageModalities.end();
      for (const auto& instance : series.at("Instances").as_array()) {
        const std::string instanceId(instance.as_string());
        if (isImage) {
          PendingImage image{seriesId, instanceId, "", modality, {}};
          image.load = [orthanc, instanceId] {
            const std::string bytes = orthanc.get("/instances/" + instanceId + "/file");
            return image::decodeDicomBuffer(bytes.data(), bytes.size()).image;
          };
          study.images.push_back(std::move(image));
        } else if (modality == "SR" && !study.report) {
          const std::string bytes = orthanc.get("/instances/" + instanceId + "/file");
          try {
            study.report = PendingReport{seriesId, instanceId, report::readReportText(bytes.data(), bytes.size())};
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
