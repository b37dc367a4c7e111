#include "SearchRoutes.h"

#include <boost/json.hpp>

#include "ImageDecoding.h"
#include "RestRoute.h"
#include "SearchService.h"
#include "mcr/image/ImageOps.h"
#include "mcr/report/ReportText.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxUploadBytes = 64u << 20;

void search(PluginContext& context, OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Post);
  double started = nowMs();
  SearchRequest parsed = parseSearchRequest(bodyOf(request), context.config.searchDefaults);
  auto serving = requireReady(context);
  QueryVector query = resolveQuery(context, *serving, parsed);
  answerJson(output, runSearch(context, *serving, parsed, query, started));
}

void searchUpload(PluginContext& context, OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Post);
  double started = nowMs();
  SearchRequest parsed = parseUploadOptions(headerOf(request, "x-mcr-search"), context.config.searchDefaults);
  std::string body(bodyOf(request));
  if (body.empty()) throw badRequest("empty body: send the bytes of a DICOM file or a PNG");
  if (body.size() > kMaxUploadBytes) throw HttpError(413, "the upload is larger than 64 MiB");
  auto serving = requireReady(context);

  QueryVector query;
  json::object queryFacts;
  image::GrayImage picture;
  std::string reportText;
  if (looksLikePng(body)) {
    try {
      picture = image::decodePngBuffer(body.data(), body.size());
    } catch (const std::exception& e) {
      throw badRequest(std::string("the PNG cannot be decoded: ") + e.what());
    }
  } else if (looksLikeDicom(body)) {
    try {
      picture = context.decodeImage(body);
    } catch (const image::DecodeError& e) {
      if (e.code() != image::DecodeErrorCode::NotAnImage)
        throw badRequest(std::string("the DICOM image cannot be decoded (") + image::toString(e.code()) + "): " + e.what());
      try {
        reportText = report::readReportText(body.data(), body.size());
      } catch (const std::exception& sr) {
        throw badRequest(std::string("the DICOM file is neither a decodable image nor a report: ") + sr.what());
      }
      if (reportText.empty()) throw badRequest("the DICOM report has no text");
    }
  } else {
    throw badRequest("the body is neither a DICOM file nor a PNG");
  }

  if (!reportText.empty()) {
    auto e = serving->embedder->embedTexts({reportText});
    query.vector.assign(e.row(0), e.row(0) + e.dim);
    query.defaultTarget = Target::Images;
    queryFacts = json::object{{"kind", "report"}};
  } else {
    queryFacts = json::object{{"kind", "image"}, {"width", picture.width}, {"height", picture.height}};
    auto e = serving->embedder->embedImages({picture});
    query.vector.assign(e.row(0), e.row(0) + e.dim);
    query.defaultTarget = Target::Reports;
  }
  json::object answer = runSearch(context, *serving, parsed, query, started);
  answer["query"] = std::move(queryFacts);
  answerJson(output, answer);
}

void similarStudies(PluginContext& context, OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Get);
  double started = nowMs();
  SearchRequest parsed = parseSearchArguments(argumentsOf(request), QueryKind::Study, context.config.searchDefaults);
  parsed.id = groupOf(request, 0);
  validateOrthancId(parsed.id, "study");
  parsed.target = Target::Studies;
  auto serving = requireReady(context);
  QueryVector query = resolveQuery(context, *serving, parsed);
  answerJson(output, runSearch(context, *serving, parsed, query, started));
}

}  // namespace

void registerSearchRoutes(const std::string& root) {
  registerRoute(root + "search", restRoute<search>);
  registerRoute(root + "search/upload", restRoute<searchUpload>);
  registerRoute(root + "studies/([^/]+)/similar", restRoute<similarStudies>);
}

}  // namespace mcr::plugin
