#include "mcr/trainer/OrthancSource.h"

#include <httplib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "mcr/report/ReportText.h"

namespace mcr::trainer {
namespace fs = std::filesystem;

namespace {

class OrthancClient {
 public:
  explicit OrthancClient(const OrthancSourceOptions& o) {
    const std::string& url = o.url;
    if (url.rfind("http://", 0) != 0)
      throw std::runtime_error("--orthanc must be an http:// URL (got '" + url + "'); put HTTPS behind a local proxy");
    const auto slash = url.find('/', 7);
    host_ = url.substr(0, slash);
    prefix_ = slash == std::string::npos ? "" : url.substr(slash);
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
    client_ = std::make_unique<httplib::Client>(host_);
    client_->set_connection_timeout(10);
    client_->set_read_timeout(120);
    if (!o.user.empty()) client_->set_basic_auth(o.user, o.password);
  }

  std::string get(const std::string& path) {
    auto res = client_->Get(prefix_ + path);
    if (!res) throw std::runtime_error("Orthanc at " + host_ + prefix_ + " is unreachable (" + httplib::to_string(res.error()) + ")");
    if (res->status != 200)
      throw std::runtime_error("Orthanc answered HTTP " + std::to_string(res->status) + " for " + prefix_ + path);
    return res->body;
  }

  boost::json::value json(const std::string& path) {
    boost::json::error_code ec;
    auto v = boost::json::parse(get(path), ec);
    if (ec) throw std::runtime_error("Orthanc returned invalid JSON for " + path);
    return v;
  }

 private:
  std::string host_, prefix_;
  std::unique_ptr<httplib::Client> client_;
};

std::string tag(const boost::json::value& v, const char* group, const char* name) {
  if (!v.is_object()) return "";
  auto g = v.as_object().find(group);
  if (g == v.as_object().end() || !g->value().is_object()) return "";
  auto t = g->value().as_object().find(name);
  return t != g->value().as_object().end() && t->value().is_string() ? std::string(t->value().as_string()) : "";
}

}  // namespace

std::vector<Study> fetchOrthancStudies(const OrthancSourceOptions& o) {
  OrthancClient orthanc(o);
  fs::create_directories(o.cacheDir);
  std::vector<Study> out;
  const auto studies = orthanc.json("/studies");
  if (!studies.is_array()) throw std::runtime_error("Orthanc /studies did not return a list");
  for (const auto& idValue : studies.as_array()) {
    if (!idValue.is_string()) continue;
    const std::string id(idValue.as_string());
    const auto study = orthanc.json("/studies/" + id);
    const auto series = orthanc.json("/studies/" + id + "/series");
    std::string imageInstance, srInstance;
    for (const auto& s : series.as_array()) {
      const std::string modality = tag(s, "MainDicomTags", "Modality");
      const auto& instances = s.as_object().at("Instances").as_array();
      if (instances.empty()) continue;
      const std::string first(instances.front().as_string());
      if ((modality == "CR" || modality == "DX") && imageInstance.empty()) imageInstance = first;
      if (modality == "SR" && srInstance.empty()) srInstance = first;
    }
    if (imageInstance.empty() || srInstance.empty()) continue;
    std::string reportText;
    try {
      const std::string sr = orthanc.get("/instances/" + srInstance + "/file");
      reportText = report::readReportText(sr.data(), sr.size());
    } catch (const report::NoReportText&) {
      continue;  // an SR without narrative text is not a training pair
    }
    if (reportText.empty()) continue;
    const fs::path imagePath = fs::path(o.cacheDir) / (imageInstance + ".dcm");
    if (!fs::exists(imagePath)) {
      const std::string bytes = orthanc.get("/instances/" + imageInstance + "/file");
      const fs::path tmp = imagePath.string() + ".tmp";
      std::ofstream(tmp, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      fs::rename(tmp, imagePath);
    }
    Study s;
    s.studyId = id;
    s.patientId = tag(study, "PatientMainDicomTags", "PatientID");
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
