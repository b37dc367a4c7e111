#include "ReportUpload.h"

#include <boost/json.hpp>

#include "OrthancRest.h"
#include "RestRoute.h"
#include "mcr/report/BasicTextSr.h"
#include "mcr/report/Utf8.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxReportBytes = 65536;

void postReport(PluginContext& context, OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Post);
  const std::string studyId = groupOf(request, 0);
  validateOrthancId(studyId, "study");
  std::string text(bodyOf(request));
  if (text.empty()) throw badRequest("empty body: send the report as plain text");
  if (text.size() > kMaxReportBytes) throw badRequest("the report is longer than 65536 bytes");
  if (!report::isValidUtf8(text)) throw badRequest("the report is not valid UTF-8 text");

  auto study = orthanc::getJson(context.orthanc, "/studies/" + studyId);
  if (!study) throw notFound("unknown study '" + studyId + "'");
  report::StudyTags tags;
  for (const char* key : {"StudyInstanceUID", "StudyDate", "StudyTime", "AccessionNumber", "StudyID",
                          "ReferringPhysicianName"})
    tags[key] = orthanc::field(*study, "MainDicomTags", key);
  for (const char* key : {"PatientID", "PatientName", "PatientBirthDate", "PatientSex"})
    tags[key] = orthanc::field(*study, "PatientMainDicomTags", key);

  report::BuiltReport built;
  try {
    built = report::buildBasicTextSr(tags, text);
  } catch (const std::invalid_argument& e) {
    throw badRequest(e.what());
  }
  auto stored = context.orthanc.post("/instances", built.dicom);
  if (!stored) throw std::runtime_error("Orthanc refused to store the report SR");
  boost::system::error_code ec;
  json::value answer = json::parse(*stored, ec);
  if (ec) throw std::runtime_error("unexpected answer of Orthanc's POST /instances");
  answerJson(output, json::object{{"instance", orthanc::field(answer, "ID")},
                                  {"series", orthanc::field(answer, "ParentSeries")},
                                  {"study", orthanc::field(answer, "ParentStudy")},
                                  {"patient", orthanc::field(answer, "ParentPatient")},
                                  {"sopInstanceUid", built.sopInstanceUid}});
}

}  // namespace

void registerReportRoute(const std::string& root) {
  registerRoute(root + "studies/([^/]+)/report", restRoute<postReport>);
}

}  // namespace mcr::plugin
