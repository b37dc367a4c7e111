#include "mcr/model/ModelConfig.h"

#include <boost/json.hpp>
#include <stdexcept>

namespace mcr::model {

const char* toString(Aggregation a) { return a == Aggregation::MbA ? "mba" : "abm"; }

Aggregation parseAggregation(const std::string& text) {
  if (text == "mba") return Aggregation::MbA;
  if (text == "abm") return Aggregation::AbM;
  throw std::invalid_argument("aggregation must be 'mba' or 'abm', not '" + text + "'");
}

namespace {
void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("invalid model config: ") + what);
}
}  // namespace

void ModelConfig::validateImageGeometry() const {
  require(imageSize > 0 && patchSize > 0, "imageSize and patchSize must be positive");
  require(imageSize % patchSize == 0, "imageSize must be a multiple of patchSize");
  require(imageSize <= 2048, "imageSize beyond the supported range");
  require(patchEmbedding == "linear" || patchEmbedding == "conv", "patchEmbedding must be 'linear' or 'conv'");
  require(patchEmbedding != "conv" || (patchSize >= 2 && (patchSize & (patchSize - 1)) == 0),
          "a conv patch embedding needs a power-of-two patchSize");
}

void ModelConfig::validate() const {
  validateImageGeometry();
  require(imageDim > 0 && imageHeads > 0 && imageDim % imageHeads == 0, "imageDim must be a multiple of imageHeads");
  require(textDim > 0 && textHeads > 0 && textDim % textHeads == 0, "textDim must be a multiple of textHeads");
  require(decoderDim > 0 && decoderHeads > 0 && decoderDim % decoderHeads == 0,
          "decoderDim must be a multiple of decoderHeads");
  require(imageDepth >= 1 && textDepth >= 1 && decoderDepth >= 1, "depths must be >= 1");
  require(vocabSize > 5, "vocabSize must exceed the 5 special tokens (is the tokenizer set?)");
  require(maxTokens >= 4, "maxTokens must be >= 4");
  require(embeddingDim > 0 && mapHiddenDim > 0 && mlpRatio > 0, "embeddingDim, mapHiddenDim, mlpRatio must be positive");
  // Upper bounds keep a crafted bundle from asking for absurd allocations.
  require(maxTokens <= 4096 && vocabSize <= 1000000, "sizes beyond the supported range");
  require(imageDim <= 4096 && textDim <= 4096 && decoderDim <= 4096 && embeddingDim <= 4096 && mapHiddenDim <= 16384 &&
              mlpRatio <= 16,
          "widths beyond the supported range");
  require(imageDepth <= 64 && textDepth <= 64 && decoderDepth <= 64, "depths beyond the supported range");
  require(imageMaskRatio >= 0.0 && imageMaskRatio < 1.0, "imageMaskRatio must be in [0, 1)");
  require(textMaskRatio >= 0.0 && textMaskRatio < 1.0, "textMaskRatio must be in [0, 1)");
  require(initialTemperature > 0.0, "initialTemperature must be positive");
  require(contrastiveWeight >= 0 && reconstructionWeight >= 0 && mlmWeight >= 0 && localWeight >= 0, "loss weights must be >= 0");
}

ModelConfig presetConfig(const std::string& name) {
  ModelConfig c;
  c.preset = name;
  if (name == "tiny") return c;  // the defaults above
  if (name == "small") {
    c.imageSize = 128;
    c.patchSize = 16;
    c.imageDim = 192;
    c.imageDepth = 6;
    c.imageHeads = 3;
    c.maxTokens = 128;
    c.textDim = 192;
    c.textDepth = 4;
    c.textHeads = 3;
    c.embeddingDim = 128;
    c.mapHiddenDim = 384;
    c.decoderDim = 96;
    c.decoderDepth = 2;
    c.decoderHeads = 3;
    return c;
  }
  throw std::invalid_argument("unknown model config '" + name + "' (known: tiny, small)");
}

std::vector<std::string> presetNames() { return {"tiny", "small"}; }

std::string toJson(const ModelConfig& c) {
  // boost::json::object keeps insertion order, which makes this canonical.
  boost::json::object o;
  o["preset"] = c.preset;
  o["imageSize"] = c.imageSize;
  o["patchSize"] = c.patchSize;
  o["imageDim"] = c.imageDim;
  o["imageDepth"] = c.imageDepth;
  o["imageHeads"] = c.imageHeads;
  if (c.patchEmbedding != "linear") o["patchEmbedding"] = c.patchEmbedding;
  o["vocabSize"] = c.vocabSize;
  o["maxTokens"] = c.maxTokens;
  o["textDim"] = c.textDim;
  o["textDepth"] = c.textDepth;
  o["textHeads"] = c.textHeads;
  o["mlpRatio"] = c.mlpRatio;
  o["embeddingDim"] = c.embeddingDim;
  o["mapHiddenDim"] = c.mapHiddenDim;
  o["aggregation"] = toString(c.aggregation);
  o["decoderDim"] = c.decoderDim;
  o["decoderDepth"] = c.decoderDepth;
  o["decoderHeads"] = c.decoderHeads;
  o["imageMaskRatio"] = c.imageMaskRatio;
  o["textMaskRatio"] = c.textMaskRatio;
  o["contrastiveWeight"] = c.contrastiveWeight;
  o["reconstructionWeight"] = c.reconstructionWeight;
  o["mlmWeight"] = c.mlmWeight;
  if (c.localWeight != 0.0) o["localWeight"] = c.localWeight;
  o["initialTemperature"] = c.initialTemperature;
  return boost::json::serialize(o);
}

namespace {

const boost::json::value& field(const boost::json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) throw std::invalid_argument(std::string("model config lacks '") + key + "'");
  return it->value();
}
int intField(const boost::json::object& o, const char* key) {
  const auto& v = field(o, key);
  if (!v.is_int64()) throw std::invalid_argument(std::string("model config '") + key + "' must be an integer");
  return static_cast<int>(v.as_int64());
}
double numField(const boost::json::object& o, const char* key) {
  const auto& v = field(o, key);
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  throw std::invalid_argument(std::string("model config '") + key + "' must be a number");
}
std::string strField(const boost::json::object& o, const char* key) {
  const auto& v = field(o, key);
  if (!v.is_string()) throw std::invalid_argument(std::string("model config '") + key + "' must be a string");
  return std::string(v.as_string());
}

}  // namespace

ModelConfig configFromJson(const std::string& json) {
  boost::json::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) throw std::invalid_argument("model config is not a JSON object");
  const auto& o = value.as_object();
  // A key this build does not know comes from a newer mcr (a feature it cannot run): say so,
  // rather than load the model without it and fail later on the fingerprint.
  ModelConfig every;
  every.localWeight = 1.0;  // the optional keys are written only when set
  every.patchEmbedding = "conv";
  const auto known = boost::json::parse(toJson(every)).as_object();
  for (const auto& kv : o)
    if (!known.contains(kv.key()))
      throw std::invalid_argument("model config has the unknown key '" + std::string(kv.key()) +
                                  "' (a bundle from a newer orthanc-mcr?)");
  ModelConfig c;
  c.preset = strField(o, "preset");
  c.imageSize = intField(o, "imageSize");
  c.patchSize = intField(o, "patchSize");
  c.imageDim = intField(o, "imageDim");
  c.imageDepth = intField(o, "imageDepth");
  c.imageHeads = intField(o, "imageHeads");
  c.patchEmbedding = o.contains("patchEmbedding") ? strField(o, "patchEmbedding") : "linear";
  c.vocabSize = intField(o, "vocabSize");
  c.maxTokens = intField(o, "maxTokens");
  c.textDim = intField(o, "textDim");
  c.textDepth = intField(o, "textDepth");
  c.textHeads = intField(o, "textHeads");
  c.mlpRatio = intField(o, "mlpRatio");
  c.embeddingDim = intField(o, "embeddingDim");
  c.mapHiddenDim = intField(o, "mapHiddenDim");
  c.aggregation = parseAggregation(strField(o, "aggregation"));
  c.decoderDim = intField(o, "decoderDim");
  c.decoderDepth = intField(o, "decoderDepth");
  c.decoderHeads = intField(o, "decoderHeads");
  c.imageMaskRatio = numField(o, "imageMaskRatio");
  c.textMaskRatio = numField(o, "textMaskRatio");
  c.contrastiveWeight = numField(o, "contrastiveWeight");
  c.reconstructionWeight = numField(o, "reconstructionWeight");
  c.mlmWeight = numField(o, "mlmWeight");
  c.localWeight = o.contains("localWeight") ? numField(o, "localWeight") : 0.0;
  c.initialTemperature = numField(o, "initialTemperature");
  c.validate();
  return c;
}

}  // namespace mcr::model
