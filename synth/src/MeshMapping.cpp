// Indiana University MeSH terms ("Opacity/lung/base/left/mild") to the canonical vocabulary.
// The head term picks the canonical name, sometimes together with one qualifier that says
// what kind of finding it is (e.g. "Lung/hypoinflation" -> "low lung volumes"); that
// qualifier is consumed, the others are kept in source order.
#include <algorithm>
#include <initializer_list>

#include "mcr/synth/Findings.h"

namespace mcr::synth {
namespace {

bool hasAny(const Finding& f, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return f.has(w); });
}

Finding rename(const Finding& raw, std::string name, std::initializer_list<const char*> consumed = {}) {
  Finding out;
  out.name = std::move(name);
  for (const auto& q : raw.qualifiers) {
    bool drop = std::any_of(consumed.begin(), consumed.end(), [&](const char* c) { return q == c; });
    if (!drop) out.qualifiers.push_back(q);
  }
  return out;
}

bool atSpine(const Finding& f) {
  return hasAny(f, {"thoracic vertebrae", "lumbar vertebrae", "spine", "cervical vertebrae"});
}
bool atShoulder(const Finding& f) { return hasAny(f, {"shoulder", "humerus"}); }

// Returns the canonical finding, or an empty name when the term is not known.
Finding mapFinding(const Finding& raw) {
  const std::string& h = raw.name;
  // Heart and great vessels.
  if (h == "cardiomegaly") return rename(raw, "cardiomegaly");
  if (h == "cardiac shadow" && hasAny(raw, {"enlarged", "borderline"}))
    return rename(raw, "cardiomegaly", {"enlarged"});
  if (h == "heart failure") return rename(raw, "heart failure");
  if (h == "pericardial effusion") return rename(raw, "pericardial effusion");
  if (h == "heart atria") return rename(raw, "atrial enlargement");
  if (h == "epicardial fat" || (h == "adipose tissue" && raw.qualifiers.empty()))
    return rename(raw, "epicardial fat pad");
  if (h == "mediastinum" && raw.has("lymph nodes")) return rename(raw, "lymphadenopathy", {"lymph nodes"});
  if (h == "mediastinum" && hasAny(raw, {"prominent", "enlarged"})) return rename(raw, "widened mediastinum");
  if (h == "pulmonary artery" || h == "hypertension, pulmonary")
    return rename(raw, "enlarged pulmonary arteries", {"enlarged", "prominent"});
  if ((h == "aorta" || h == "aorta, thoracic") && hasAny(raw, {"tortuous", "prominent", "enlarged"}))
    return rename(raw, "tortuous aorta", {"tortuous"});
  if (h == "aortic aneurysm") return rename(raw, "aortic aneurysm");
  if (h == "atherosclerosis") return rename(raw, "aortic calcification", {"aorta", "aorta, thoracic"});
  if (h == "calcinosis" && hasAny(raw, {"aorta", "aorta, thoracic"}))
    return rename(raw, "aortic calcification", {"aorta", "aorta, thoracic"});
  if (h == "lymph nodes") return rename(raw, "lymphadenopathy");
  if (h == "sarcoidosis") return rename(raw, "sarcoidosis");
  if (h == "shift") return rename(raw, "mediastinal shift", {"mediastinum"});
  // Pleura.
  if (h == "pleural effusion") return rename(raw, "pleural effusion");
  if ((h == "costophrenic angle" || h == "pleura" || h == "sulcus") && hasAny(raw, {"blunted", "obscured"}))
    return rename(raw, "blunted costophrenic angle", {"blunted", "costophrenic angle", "sulcus"});
  if (h == "thickening" && raw.has("pleura")) return rename(raw, "pleural thickening", {"pleura"});
  if (h == "pneumothorax") return rename(raw, "pneumothorax");
  if (h == "hydropneumothorax" || h == "hemopneumothorax") return rename(raw, "hydropneumothorax");
  // Lung parenchyma.
  if (h == "opacity") return rename(raw, "opacity");
  if (h == "density" && !hasAny(raw, {"ribs", "clavicle", "breast", "heart", "mitral valve", "adipose tissue"}))
    return rename(raw, "opacity");
  if (h == "airspace disease") return rename(raw, "airspace disease");
  if (h == "infiltrate") return rename(raw, "infiltrate");
  if (h == "consolidation") return rename(raw, "consolidation");
  if (h == "pneumonia" || h == "bronchopneumonia") return rename(raw, "pneumonia");
  if (h == "pulmonary atelectasis" || h == "atelectasis") return rename(raw, "atelectasis");
  if (h == "cicatrix") return rename(raw, "scarring");
  if (h == "nodule") return rename(raw, "nodule");
  if (h == "mass" && !raw.has("breast")) return rename(raw, "mass");
  if (h == "calcified granuloma") return rename(raw, "calcified granuloma");
  if (h == "granuloma" && !raw.has("ribs")) return rename(raw, "granuloma");
  if (h == "granulomatous disease" || h == "tuberculosis") return rename(raw, "granulomatous disease");
  if (h == "calcinosis" && !hasAny(raw, {"breast implants", "mitral valve", "ribs", "spine"}))
    return rename(raw, "calcification");
  if (h == "cavitation") return rename(raw, "cavitary lesion");
  if (h == "emphysema" || h == "pulmonary emphysema") return rename(raw, "emphysema");
  if (h == "bullous emphysema") return rename(raw, "bullous emphysema");
  if (h == "pulmonary disease, chronic obstructive") return rename(raw, "copd");
  if (h == "lung, hyperlucent") return rename(raw, "hyperlucent lung");
  if (h == "lung" && raw.has("hyperdistention")) return rename(raw, "hyperinflation", {"hyperdistention"});
  if (h == "lung" && raw.has("hypoinflation")) return rename(raw, "low lung volumes", {"hypoinflation"});
  if (h == "lung" && raw.has("azygos lobe")) return rename(raw, "azygos lobe", {"azygos lobe"});
  if (h == "lung" && raw.has("lymph nodes")) return rename(raw, "lymphadenopathy", {"lymph nodes", "lung"});
  if (h == "lung" && raw.has("hilum")) return rename(raw, "hilar enlargement", {"hilum", "lung"});
  if (h == "lung" && raw.has("interstitial")) return rename(raw, "interstitial markings", {"interstitial"});
  if ((h == "lung" || h == "blood vessels") && raw.has("blood vessels"))
    return rename(raw, "prominent markings", {"blood vessels"});
  if (h == "blood vessels" && raw.has("lung")) return rename(raw, "prominent markings");
  if (h == "blister" || (h == "lucency" && raw.has("lung") && raw.has("apex"))) return rename(raw, "bulla");
  if (h == "cysts") return rename(raw, "cyst");
  if (h == "lucency" && (raw.has("lung") || raw.has("retrocardiac") || raw.qualifiers == std::vector<std::string>{"round"}))
    return rename(raw, "lucency");
  if (h == "pulmonary edema") return rename(raw, "pulmonary edema");
  if (h == "pulmonary congestion") return rename(raw, "pulmonary congestion");
  if (h == "markings" && raw.has("interstitial")) return rename(raw, "interstitial markings", {"interstitial"});
  if (h == "markings") return rename(raw, "prominent markings", {"bronchovascular"});
  if (h == "thickening" && hasAny(raw, {"bronchi", "bronchovascular"}))
    return rename(raw, "peribronchial thickening", {"bronchi", "bronchovascular"});
  if (h == "thickening" && raw.has("interstitial")) return rename(raw, "interstitial markings", {"interstitial"});
  if (h == "thickening" && raw.has("paratracheal")) return rename(raw, "widened mediastinum");
  if (h == "lung diseases, interstitial") return rename(raw, "interstitial lung disease");
  if (h == "pulmonary fibrosis" || h == "fibrosis") return rename(raw, "pulmonary fibrosis");
  if (h == "bronchiectasis" || h == "cystic fibrosis") return rename(raw, "bronchiectasis");
  if (h == "bronchitis" || h == "bronchiolitis") return rename(raw, "peribronchial thickening");
  if (h == "volume loss") return rename(raw, "volume loss");
  if (h == "pneumonectomy") return rename(raw, "pneumonectomy");
  // Diaphragm and upper abdomen.
  if (h == "diaphragm" && raw.has("elevated")) return rename(raw, "elevated hemidiaphragm", {"elevated"});
  if (h == "diaphragm" && raw.has("flattened")) return rename(raw, "flattened diaphragm", {"flattened"});
  if (h == "diaphragmatic eventration") return rename(raw, "eventration");
  if (h == "hernia, hiatal") return rename(raw, "hiatal hernia");
  if (h == "hernia, diaphragmatic") return rename(raw, "diaphragmatic hernia");
  if (h == "pneumoperitoneum") return rename(raw, "pneumoperitoneum");
  if (h == "colonic interposition") return rename(raw, "colonic interposition");
  if (h == "cholelithiasis") return rename(raw, "gallstones");
  // Bones.
  if (h == "scoliosis") return rename(raw, "scoliosis");
  if (h == "kyphosis") return rename(raw, "kyphosis");
  if ((h == "thoracic vertebrae" || h == "spine" || h == "lumbar vertebrae" || h == "cervical vertebrae" ||
       h == "bone and bones") && raw.has("degenerative"))
    return rename(raw, "degenerative spine", {"degenerative"});
  if (h == "osteophyte" && atShoulder(raw)) return rename(raw, "degenerative shoulder", {"shoulder", "humerus"});
  if (h == "osteophyte") return rename(raw, "osteophytes");
  if (h == "spondylosis") return rename(raw, "spondylosis");
  if (h == "hyperostosis, diffuse idiopathic skeletal") return rename(raw, "diffuse idiopathic skeletal hyperostosis");
  if ((h == "shoulder" || h == "humerus") && raw.has("degenerative"))
    return rename(raw, "degenerative shoulder", {"degenerative"});
  if (h == "arthritis" && atShoulder(raw)) return rename(raw, "degenerative shoulder", {"shoulder", "humerus"});
  if (h == "arthritis") return rename(raw, "arthritis");
  if (h == "bone diseases, metabolic" || h == "osteoporosis") return rename(raw, "osteopenia");
  if (h == "sclerosis" && (atSpine(raw) || raw.qualifiers.empty())) return rename(raw, "bone sclerosis");
  if (h == "fractures, bone" || h == "fractures") {
    if (raw.has("ribs")) return rename(raw, "rib fracture", {"ribs"});
    if (raw.has("clavicle")) return rename(raw, "clavicle fracture", {"clavicle"});
    if (atSpine(raw)) return rename(raw, "vertebral fracture");
    if (raw.has("humerus")) return rename(raw, "humerus fracture", {"humerus"});
  }
  if (h == "deformity") {
    if (raw.has("ribs")) return rename(raw, "rib deformity", {"ribs"});
    if (atSpine(raw)) return rename(raw, "vertebral deformity");
    if (raw.has("clavicle")) return rename(raw, "clavicle deformity", {"clavicle"});
  }
  if (h == "funnel chest") return rename(raw, "pectus excavatum");
  // Devices and foreign material.
  if (h == "sutures" && hasAny(raw, {"sternum", "mediastinum"}))
    return rename(raw, "sternotomy wires", {"sternum", "mediastinum"});
  if (h == "sutures") return rename(raw, "surgical sutures");
  if (h == "surgical instruments") return rename(raw, "surgical clips");
  if (h == "spinal fusion") return rename(raw, "spinal fusion hardware");
  if (h == "implanted medical device") {
    if (hasAny(raw, {"aortic valve", "mitral valve", "heart"})) return rename(raw, "prosthetic heart valve");
    if (atShoulder(raw)) return rename(raw, "shoulder prosthesis", {"shoulder", "humerus"});
    if (atSpine(raw)) return rename(raw, "spinal fusion hardware");
    if (raw.has("pulmonary artery") || raw.has("abdomen")) return rename(raw, "implanted device");
    return rename(raw, "pacemaker", {"thorax"});
  }
  if (h == "medical device" && !raw.has("breast")) return rename(raw, "implanted device");
  if (h == "catheters, indwelling") return rename(raw, "central venous catheter");
  if (h == "tube, inserted") {
    if (hasAny(raw, {"trachea", "trachea, carina"})) return rename(raw, "endotracheal tube", {"trachea", "trachea, carina"});
    if (hasAny(raw, {"thorax", "left", "right"})) return rename(raw, "chest tube", {"thorax"});
    return rename(raw, "enteric tube", {"abdomen"});
  }
  if (h == "stents") return rename(raw, "stent");
  if (h == "foreign bodies") return rename(raw, "foreign body");
  if (h == "contrast media") return rename(raw, "contrast");
  // Soft tissue and technique.
  if (h == "nipple shadow") return rename(raw, "nipple shadow");
  if (h == "breast implants" || (h == "medical device" && raw.has("breast"))) return rename(raw, "breast implants", {"breast"});
  if (h == "mastectomy") return rename(raw, "mastectomy");
  if (h == "subcutaneous emphysema") return rename(raw, "subcutaneous emphysema");
  if (h == "technical quality of image unsatisfactory") return rename(raw, "limited study");
  return {};
}

}  // namespace

MeshTermResult mapMeshTerm(std::string_view term) {
  MeshTermResult result;
  result.original = std::string(term);
  const Finding raw = parseFinding(term);
  if (raw.name.empty() || raw.name == "normal" || raw.name == "no indexing") {
    result.kind = MeshTermResult::Kind::NoFinding;
    return result;
  }
  Finding mapped = mapFinding(raw);
  if (mapped.name.empty()) {
    result.kind = MeshTermResult::Kind::Unknown;
    return result;
  }
  result.kind = MeshTermResult::Kind::Finding;
  result.finding = std::move(mapped);
  return result;
}

MeshMapping mapMeshField(std::string_view field) {
  MeshMapping mapping;
  std::size_t start = 0;
  while (start <= field.size()) {
    std::size_t semi = field.find(';', start);
    if (semi == std::string_view::npos) semi = field.size();
    std::string_view term = field.substr(start, semi - start);
    start = semi + 1;
    MeshTermResult r = mapMeshTerm(term);
    if (r.kind == MeshTermResult::Kind::Finding) {
      if (std::find(mapping.findings.begin(), mapping.findings.end(), r.finding) == mapping.findings.end())
        mapping.findings.push_back(std::move(r.finding));
    } else if (r.kind == MeshTermResult::Kind::Unknown) {
      mapping.unknownTerms.push_back(r.original);
    }
  }
  return mapping;
}

}  // namespace mcr::synth
