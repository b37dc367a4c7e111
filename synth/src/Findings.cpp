#include "mcr/synth/Findings.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace mcr::synth {
namespace {

std::string lowerTrimCollapse(std::string_view text) {
  std::string out;
  bool space = false;
  for (char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

}  // namespace

std::string Finding::str() const {
  std::string out = name;
  for (const auto& q : qualifiers) out += "/" + q;
  return out;
}

bool Finding::has(std::string_view qualifier) const {
  return std::find(qualifiers.begin(), qualifiers.end(), qualifier) != qualifiers.end();
}

Finding parseFinding(std::string_view text) {
  Finding f;
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    std::size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) slash = text.size();
    std::string part = lowerTrimCollapse(text.substr(start, slash - start));
    if (first) {
      f.name = part;
      first = false;
    } else if (!part.empty()) {
      f.qualifiers.push_back(part);
    }
    start = slash + 1;
  }
  return f;
}

std::string joinFindings(const FindingSet& findings) {
  std::string out;
  for (const auto& f : findings) {
    if (!out.empty()) out += ';';
    out += f.str();
  }
  return out;
}

FindingSet parseFindingList(std::string_view text) {
  FindingSet out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t semi = text.find(';', start);
    if (semi == std::string_view::npos) semi = text.size();
    Finding f = parseFinding(text.substr(start, semi - start));
    if (!f.name.empty()) out.push_back(std::move(f));
    start = semi + 1;
  }
  return out;
}

bool isKnownQualifier(std::string_view q) {
  static const std::set<std::string, std::less<>> known = {
      "right", "left", "bilateral", "apex", "upper lobe", "middle lobe", "lingula", "lower lobe",
      "base", "hilum", "retrocardiac", "paratracheal", "diffuse", "multilobar", "borderline",
      "mild", "small", "moderate", "large", "severe", "prominent", "enlarged", "round", "streaky",
      "patchy", "focal", "irregular", "interstitial", "reticular", "multiple", "scattered",
      "healed", "chronic", "acute", "anterior", "posterior", "lung", "pleura", "ribs", "aorta",
      "aorta, thoracic", "abdomen", "thorax", "mediastinum", "lymph nodes", "thoracic vertebrae",
      "lumbar vertebrae", "cervical vertebrae", "spine", "clavicle", "humerus", "shoulder",
      "sternum", "breast", "heart", "costophrenic angle", "sulcus", "trachea", "trachea, carina",
      "coronary vessels", "aortic valve", "mitral valve", "pulmonary artery", "blood vessels",
      "neck", "bronchi", "bronchovascular", "pulmonary alveoli", "degenerative", "tortuous",
      "elevated", "flattened", "blunted", "obscured", "cardiophrenic angle", "pleural sinus",
      "azygos lobe", "hyperdistention", "hypoinflation", "abnormal", "heart ventricles",
      "adipose tissue", "diaphragm", "breast implants"};
  return known.count(q) > 0;
}

Qualifiers readQualifiers(const Finding& finding) {
  Qualifiers q;
  for (const auto& w : finding.qualifiers) {
    if (w == "right") q.side = (q.side == Side::Left) ? Side::Bilateral : Side::Right;
    else if (w == "left") q.side = (q.side == Side::Right) ? Side::Bilateral : Side::Left;
    else if (w == "bilateral") q.side = Side::Bilateral;
    else if (w == "apex") q.zone = Zone::Apex;
    else if (w == "upper lobe") q.zone = Zone::Upper;
    else if (w == "middle lobe") {
      q.zone = Zone::Middle;
      if (q.side == Side::Unspecified) q.side = Side::Right;  // only the right lung has one
    } else if (w == "lingula") {
      q.zone = Zone::Middle;
      q.side = Side::Left;
    } else if (w == "lower lobe") q.zone = Zone::Lower;
    else if (w == "base") q.zone = Zone::Base;
    else if (w == "hilum") q.zone = Zone::Hilum;
    else if (w == "retrocardiac") q.zone = Zone::Retrocardiac;
    else if (w == "paratracheal") q.zone = Zone::Paratracheal;
    else if (w == "diffuse" || w == "multilobar") q.zone = Zone::Diffuse;
    else if (w == "borderline") q.severity = std::max(q.severity, 0.25);
    else if (w == "mild" || w == "small") q.severity = std::max(q.severity, 0.45);
    else if (w == "moderate") q.severity = std::max(q.severity, 0.7);
    else if (w == "large") q.severity = std::max(q.severity, 0.95);
    else if (w == "severe") q.severity = 1.0;
    else if (w == "multiple" || w == "scattered") q.multiple = true;
    else if (w == "healed" || w == "chronic") q.healed = true;
    else if (w == "round") q.round = true;
    else if (w == "streaky" || w == "linear") q.linear = true;
    else if (w == "interstitial" || w == "reticular") q.interstitial = true;
    else q.sites.push_back(w);
  }
  return q;
}

const std::vector<std::string>& canonicalFindingNames() {
  static const std::vector<std::string> names = {
      // heart and mediastinum
      "cardiomegaly", "heart failure", "pericardial effusion", "atrial enlargement",
      "epicardial fat pad", "widened mediastinum", "enlarged pulmonary arteries",
      "tortuous aorta", "aortic aneurysm", "aortic calcification", "hilar enlargement",
      "lymphadenopathy", "sarcoidosis", "mediastinal shift",
      // pleura
      "pleural effusion", "blunted costophrenic angle", "pleural thickening", "pneumothorax",
      "hydropneumothorax",
      // lung parenchyma
      "opacity", "airspace disease", "infiltrate", "consolidation", "pneumonia", "atelectasis",
      "scarring", "nodule", "mass", "calcified granuloma", "granuloma", "granulomatous disease",
      "calcification", "cavitary lesion", "emphysema", "bullous emphysema", "copd",
      "hyperinflation", "hyperlucent lung", "bulla", "cyst", "lucency", "pulmonary edema",
      "pulmonary congestion", "interstitial markings", "prominent markings",
      "interstitial lung disease", "pulmonary fibrosis", "bronchiectasis",
      "peribronchial thickening", "low lung volumes", "volume loss", "pneumonectomy",
      "azygos lobe",
      // diaphragm and upper abdomen
      "elevated hemidiaphragm", "eventration", "flattened diaphragm", "hiatal hernia",
      "diaphragmatic hernia", "pneumoperitoneum", "colonic interposition", "gallstones",
      // bones
      "scoliosis", "kyphosis", "degenerative spine", "osteophytes", "spondylosis", "arthritis",
      "diffuse idiopathic skeletal hyperostosis", "degenerative shoulder", "osteopenia",
      "bone sclerosis", "rib fracture", "clavicle fracture", "vertebral fracture",
      "humerus fracture", "rib deformity", "vertebral deformity", "clavicle deformity",
      "pectus excavatum",
      // devices and foreign material
      "sternotomy wires", "surgical sutures", "surgical clips", "spinal fusion hardware",
      "pacemaker", "implanted device", "prosthetic heart valve", "shoulder prosthesis",
      "central venous catheter", "endotracheal tube", "enteric tube", "chest tube", "stent",
      "foreign body", "contrast",
      // soft tissue and technique
      "nipple shadow", "breast implants", "mastectomy", "subcutaneous emphysema",
      "limited study"};
  return names;
}

bool isCanonicalFindingName(std::string_view name) {
  const auto& names = canonicalFindingNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

const std::vector<FindingClass>& findingClasses() {
  static const std::vector<FindingClass> classes = {
      {"cardiomegaly", "cardiomegaly", {"cardiomegaly", "heart failure", "pericardial effusion"}, ""},
      {"pleural_effusion_right", "right pleural effusion", {"pleural effusion", "hydropneumothorax"}, "right"},
      {"pleural_effusion_left", "left pleural effusion", {"pleural effusion", "hydropneumothorax"}, "left"},
      {"pneumothorax_right", "right pneumothorax", {"pneumothorax", "hydropneumothorax"}, "right"},
      {"pneumothorax_left", "left pneumothorax", {"pneumothorax", "hydropneumothorax"}, "left"},
      {"airspace_opacity", "airspace opacity",
       {"opacity", "airspace disease", "infiltrate", "consolidation", "pneumonia"}, ""},
      {"atelectasis", "atelectasis", {"atelectasis"}, ""},
      {"nodule", "pulmonary nodule", {"nodule"}, ""},
      {"mass", "lung mass", {"mass"}, ""},
      {"calcified_granuloma", "calcified granuloma",
       {"calcified granuloma", "granuloma", "granulomatous disease"}, ""},
      {"emphysema", "emphysema",
       {"emphysema", "bullous emphysema", "copd", "hyperinflation", "hyperlucent lung"}, ""},
      {"pulmonary_edema", "pulmonary edema",
       {"pulmonary edema", "pulmonary congestion", "heart failure"}, ""},
      {"scarring", "scarring", {"scarring", "pulmonary fibrosis"}, ""},
      {"low_lung_volumes", "low lung volumes", {"low lung volumes"}, ""},
      {"scoliosis", "scoliosis", {"scoliosis"}, ""},
      {"degenerative_spine", "degenerative changes of the spine",
       {"degenerative spine", "osteophytes", "spondylosis", "arthritis",
        "diffuse idiopathic skeletal hyperostosis"}, ""},
      {"rib_fracture", "rib fracture", {"rib fracture"}, ""},
      {"hiatal_hernia", "hiatal hernia", {"hiatal hernia"}, ""},
      {"tortuous_aorta", "tortuous aorta", {"tortuous aorta"}, ""},
      {"aortic_calcification", "aortic calcification", {"aortic calcification"}, ""},
      {"elevated_hemidiaphragm", "elevated hemidiaphragm", {"elevated hemidiaphragm", "eventration"}, ""},
      {"sternotomy", "median sternotomy wires", {"sternotomy wires"}, ""},
      {"surgical_clips", "surgical clips", {"surgical clips"}, ""},
      {"pacemaker", "pacemaker", {"pacemaker"}, ""},
      {"central_venous_catheter", "central venous catheter", {"central venous catheter"}, ""},
      {"support_tube", "endotracheal or enteric tube", {"endotracheal tube", "enteric tube", "chest tube"}, ""},
      {"spinal_fusion", "spinal fusion hardware", {"spinal fusion hardware"}, ""},
  };
  return classes;
}

bool matchesClass(const FindingClass& cls, const Finding& finding) {
  if (std::find(cls.names.begin(), cls.names.end(), finding.name) == cls.names.end()) return false;
  if (cls.side.empty()) return true;
  return finding.has(cls.side) || finding.has("bilateral");
}

bool matchesClass(const FindingClass& cls, const FindingSet& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return matchesClass(cls, f); });
}

}  // namespace mcr::synth
