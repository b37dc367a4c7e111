#include "ReindexJob.h"

#include <boost/json.hpp>

#include "Reindex.h"
#include "RestRoute.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {

// The Orthanc job around a Reindex: Orthanc calls step() on its job thread and content()
// for GET /jobs/{id}; the status counters show progress too.
class ReindexJob {
 public:
  ReindexJob(PluginContext& context, std::string modelPath) : context_(context), reindex_(context, std::move(modelPath)) {
    updateContent();
  }

  OrthancPluginJobStepStatus step() {
    try {
      const Reindex::Phase phase = reindex_.step();
      updateContent();
      if (phase != Reindex::Phase::Done) return OrthancPluginJobStepStatus_Continue;
      context_.status.reindexRunning = false;
      return OrthancPluginJobStepStatus_Success;
    } catch (const std::exception& e) {
      error_ = e.what();
      updateContent();
      context_.status.error("reindex failed: " + error_);
      context_.status.reindexRunning = false;
      return OrthancPluginJobStepStatus_Failure;
    }
  }

  float progress() const { return reindex_.progress(); }
  const char* content() const { return content_.c_str(); }
  void reset() {
    reindex_.reset();
    error_.clear();
    updateContent();
  }
  PluginContext& context() { return context_; }

 private:
  void updateContent() {
    json::object o{{"model", reindex_.modelPath()}, {"phase", toString(reindex_.phase())},
                   {"processed", reindex_.processed()}, {"total", reindex_.total()}};
    if (!error_.empty()) o["error"] = error_;
    content_ = json::serialize(o);
  }

  PluginContext& context_;
  Reindex reindex_;
  std::string error_;
  std::string content_;
};

// C callbacks of OrthancPluginCreateJob.
void jobFinalize(void* job) { delete static_cast<ReindexJob*>(job); }
float jobProgress(void* job) { return static_cast<ReindexJob*>(job)->progress(); }
const char* jobContent(void* job) { return static_cast<ReindexJob*>(job)->content(); }
const char* jobSerialized(void*) { return nullptr; }  // not resumed after a restart
OrthancPluginJobStepStatus jobStep(void* job) { return static_cast<ReindexJob*>(job)->step(); }
OrthancPluginErrorCode jobStop(void* job, OrthancPluginJobStopReason reason) {
  if (reason != OrthancPluginJobStopReason_Paused)  // canceled or failed
    static_cast<ReindexJob*>(job)->context().status.reindexRunning = false;
  return OrthancPluginErrorCode_Success;
}
OrthancPluginErrorCode jobReset(void* job) {
  static_cast<ReindexJob*>(job)->reset();
  return OrthancPluginErrorCode_Success;
}

// The bundle a POST /mcr/reindex names, or the serving one.
std::string requestedModel(PluginContext& context, std::string_view body) {
  std::string modelPath = context.config.modelPath;
  if (auto serving = context.serving.current()) modelPath = serving->modelPath;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return modelPath;
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) throw badRequest("malformed JSON: " + ec.message());
  if (!v.is_object()) throw badRequest("the body must be a JSON object");
  for (const auto& kv : v.get_object()) {
    if (kv.key() != "model") throw badRequest("unknown field '" + std::string(kv.key().substr(0, 64)) + "'");
    if (!kv.value().is_string() || kv.value().get_string().empty())
      throw badRequest("field 'model' must be a non-empty string (a bundle path on the server)");
    modelPath = std::string(kv.value().get_string());
  }
  return modelPath;
}

void postReindex(PluginContext& context, OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Post);
  const std::string modelPath = requestedModel(context, bodyOf(request));
  bool expected = false;
  if (!context.status.reindexRunning.compare_exchange_strong(expected, true))
    throw conflict("a reindex job is already running: " + context.status.reindexJob());
  auto* job = new ReindexJob(context, modelPath);
  OrthancPluginJob* handle = OrthancPluginCreateJob(sdkContext(), job, jobFinalize, "MCRReindex", jobProgress,
                                                    jobContent, jobSerialized, jobStep, jobStop, jobReset);
  if (handle == nullptr) {
    delete job;
    context.status.reindexRunning = false;
    throw std::runtime_error("Orthanc could not create the job");
  }
  OwnedString id(sdkContext(), OrthancPluginSubmitJob(sdkContext(), handle, 0));
  context.status.setReindexJob(id.str());
  answerJson(output, json::object{{"job", id.str()}, {"model", modelPath}});
}

}  // namespace

void registerReindexRoute(const std::string& root) { registerRoute(root + "reindex", restRoute<postReindex>); }

}  // namespace mcr::plugin
