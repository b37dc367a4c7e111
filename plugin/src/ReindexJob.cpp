#include "ReindexJob.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "IngestWorker.h"
#include "Ingester.h"
#include "PluginState.h"
#include "RestRoute.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {

constexpr std::size_t kInstancesPerStep = 32;

class ReindexJob {
 public:
  explicit ReindexJob(std::string modelPath) : modelPath_(std::move(modelPath)) { updateContent(); }

  OrthancPluginJobStepStatus step() {
    try {
      if (!state_) return load();
      if (next_ < ids_.size()) return embedSome();
      return swap();
    } catch (const std::exception& e) {
      return fail(e.what());
    }
  }

  float progress() const {
    if (!state_) return 0.0f;
    return ids_.empty() ? 0.99f : 0.99f * static_cast<float>(next_) / static_cast<float>(ids_.size());
  }
  const char* content() const { return content_.c_str(); }
  void reset() {
    state_.reset();
    ids_.clear();
    next_ = 0;
    phase_ = "pending";
    error_.clear();
    updateContent();
  }

 private:
  OrthancPluginJobStepStatus load() {
    phase_ = "loading model";
    updateContent();
    std::string generation = newGenerationName();
    try {
      state_ = loadState(modelPath_, pluginConfig().indexDirectory, generation);
    } catch (const std::exception& e) {
      return fail(std::string("cannot load the model: ") + e.what());
    }
    auto list = orthanc::restGetJson("/instances");
    if (list && list->is_array())
      for (const auto& v : list->get_array())
        if (v.is_string()) ids_.emplace_back(v.get_string());
    status().reindexTotal = static_cast<int64_t>(ids_.size());
    status().reindexProcessed = 0;
    phase_ = "embedding";
    updateContent();
    return OrthancPluginJobStepStatus_Continue;
  }

  OrthancPluginJobStepStatus embedSome() {
    std::size_t end = std::min(ids_.size(), next_ + kInstancesPerStep);
    std::vector<std::string> part(ids_.begin() + next_, ids_.begin() + end);
    IngestOutcome outcome = ingestInstances(*state_, part, false);
    for (const auto& study : outcome.touchedStudies) refreshStudy(*state_, study);
    next_ = end;
    status().reindexProcessed = static_cast<int64_t>(next_);
    updateContent();
    return OrthancPluginJobStepStatus_Continue;
  }

  // Under the worker's lock: catch up with what was stored or deleted meanwhile, then
  // make the new generation current (file, cursor, engine) in that order.
  OrthancPluginJobStepStatus swap() {
    phase_ = "swapping";
    updateContent();
    std::lock_guard<std::mutex> lock(ingestMutex());
    std::vector<std::string> now;
    if (auto list = orthanc::restGetJson("/instances"); list && list->is_array())
      for (const auto& v : list->get_array())
        if (v.is_string()) now.emplace_back(v.get_string());
    std::set<std::string> before(ids_.begin(), ids_.end()), after(now.begin(), now.end());
    std::vector<std::string> added;
    for (const auto& id : now)
      if (!before.count(id)) added.push_back(id);
    IngestOutcome outcome = ingestInstances(*state_, added, false);
    for (const auto& study : outcome.touchedStudies) refreshStudy(*state_, study);
    for (const auto& id : ids_)
      if (!after.count(id)) removeResource(*state_, id);

    const auto& config = pluginConfig();
    auto cursor = readCursor();
    writeGeneration(config.indexDirectory, Generation{state_->generation, modelPath_, config.modelPath});
    writeCursor(Cursor{state_->generation, cursor ? cursor->seq : 0});
    engine().install(state_);
    orthanc::logWarning("reindex done: " + std::to_string(ids_.size()) + " instances, model " + modelPath_ +
                        ", index " + state_->generationDir);
    phase_ = "done";
    next_ = ids_.size();
    updateContent();
    status().reindexRunning = false;
    return OrthancPluginJobStepStatus_Success;
  }

  OrthancPluginJobStepStatus fail(const std::string& reason) {
    error_ = reason;
    phase_ = "failed";
    updateContent();
    status().error("reindex failed: " + reason);
    state_.reset();
    status().reindexRunning = false;
    return OrthancPluginJobStepStatus_Failure;
  }

  void updateContent() {
    json::object o{{"model", modelPath_}, {"phase", phase_}, {"processed", next_}, {"total", ids_.size()}};
    if (!error_.empty()) o["error"] = error_;
    content_ = json::serialize(o);
  }

  std::string modelPath_;
  std::shared_ptr<LoadedState> state_;
  std::vector<std::string> ids_;
  std::size_t next_ = 0;
  std::string phase_ = "pending";
  std::string error_;
  std::string content_;
};

// C callbacks of OrthancPluginCreateJob.
void jobFinalize(void* job) { delete static_cast<ReindexJob*>(job); }
float jobProgress(void* job) { return static_cast<ReindexJob*>(job)->progress(); }
const char* jobContent(void* job) { return static_cast<ReindexJob*>(job)->content(); }
const char* jobSerialized(void*) { return nullptr; }  // not resumed after a restart
OrthancPluginJobStepStatus jobStep(void* job) { return static_cast<ReindexJob*>(job)->step(); }
OrthancPluginErrorCode jobStop(void*, OrthancPluginJobStopReason reason) {
  if (reason != OrthancPluginJobStopReason_Paused) status().reindexRunning = false;  // canceled or failed
  return OrthancPluginErrorCode_Success;
}
OrthancPluginErrorCode jobReset(void* job) {
  static_cast<ReindexJob*>(job)->reset();
  return OrthancPluginErrorCode_Success;
}

void postReindex(OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Post);
  std::string modelPath;
  if (auto state = engine().current()) modelPath = state->modelPath;
  else modelPath = pluginConfig().modelPath;
  std::string_view body = bodyOf(request);
  if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
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
  }
  bool expected = false;
  if (!status().reindexRunning.compare_exchange_strong(expected, true))
    throw conflict("a reindex job is already running: " + status().reindexJob());
  auto* job = new ReindexJob(modelPath);
  OrthancPluginJob* handle = OrthancPluginCreateJob(orthanc::context(), job, jobFinalize, "MCRReindex", jobProgress,
                                                    jobContent, jobSerialized, jobStep, jobStop, jobReset);
  if (handle == nullptr) {
    delete job;
    status().reindexRunning = false;
    throw std::runtime_error("Orthanc could not create the job");
  }
  orthanc::OwnedString id(OrthancPluginSubmitJob(orthanc::context(), handle, 0));
  status().setReindexJob(id.str());
  answerJson(output, json::object{{"job", id.str()}, {"model", modelPath}});
}

}  // namespace

void registerReindexRoute(const std::string& root) { registerRoute(root + "reindex", restRoute<postReindex>); }

}  // namespace mcr::plugin
