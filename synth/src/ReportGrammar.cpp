#include "mcr/synth/ReportGrammar.h"

#include "ReportProse.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

namespace mcr::synth {
namespace {

using detail::capitalise;
using detail::findingSentence;
using detail::impressionPhrase;
using detail::isIncidental;

using Words = std::vector<std::string>;

const std::string& pick(Rng& r, const Words& words) { return r.pick(words); }

// ---- finding sampling ----------------------------------------------------------------------
struct Choice {
  const char* name;
  double weight;
  std::function<Finding(Rng&)> make;
};

std::string sideOf(Rng& r, double bilateral = 0.25) {
  if (r.chance(bilateral)) return "bilateral";
  return r.chance(0.5) ? "right" : "left";
}
std::string lungZone(Rng& r, const std::string& side) {
  Words zones = {"base", "base", "lower lobe", "upper lobe", "apex"};
  if (side == "right") zones.push_back("middle lobe");
  if (side == "left") zones.push_back("lingula");
  return pick(r, zones);
}
Finding make(std::string name, Words qualifiers) { return Finding{std::move(name), std::move(qualifiers)}; }

Finding withOptional(std::string name, Rng& r, const Words& severities, double pSeverity) {
  Finding f{std::move(name), {}};
  if (r.chance(pSeverity)) f.qualifiers.push_back(pick(r, severities));
  return f;
}

Finding lungFinding(const std::string& name, Rng& r, double bilateral, const Words& extra, double pExtra) {
  const std::string side = sideOf(r, bilateral);
  Finding f{name, {"lung", lungZone(r, side == "bilateral" ? "" : side), side}};
  if (f.qualifiers[1] == "middle lobe" || f.qualifiers[1] == "lingula") f.qualifiers.pop_back();
  if (!extra.empty() && r.chance(pExtra)) f.qualifiers.push_back(pick(r, extra));
  return f;
}

const std::vector<Choice>& choices() {
  static const std::vector<Choice> list = {
      {"cardiomegaly", 300, [](Rng& r) { return withOptional("cardiomegaly", r, {"borderline", "mild", "mild", "moderate", "severe"}, 0.65); }},
      {"opacity", 220, [](Rng& r) { return lungFinding("opacity", r, 0.3, {"streaky", "patchy", "mild"}, 0.4); }},
      {"atelectasis", 240, [](Rng& r) {
         const std::string side = sideOf(r, 0.35);
         Finding f{"atelectasis", {"base", side}};
         if (r.chance(0.3)) f.qualifiers.push_back("mild");
         return f; }},
      {"calcified granuloma", 230, [](Rng& r) {
         if (r.chance(0.3)) return make("calcified granuloma", {r.chance(0.5) ? "multiple" : "scattered"});
         const std::string side = sideOf(r, 0.0);
         Finding f{"calcified granuloma", {"lung", lungZone(r, side), side}};
         if (f.qualifiers[1] == "middle lobe" || f.qualifiers[1] == "lingula") f.qualifiers.pop_back();
         return f; }},
      {"degenerative spine", 260, [](Rng& r) { return withOptional("degenerative spine", r, {"mild", "moderate", "multiple"}, 0.5); }},
      {"low lung volumes", 200, [](Rng& r) { return withOptional("low lung volumes", r, {"mild", "severe"}, 0.2); }},
      {"hyperinflation", 140, [](Rng& r) { return withOptional("hyperinflation", r, {"mild", "moderate"}, 0.3); }},
      {"emphysema", 110, [](Rng& r) { return withOptional("emphysema", r, {"mild", "severe"}, 0.2); }},
      {"scarring", 140, [](Rng& r) {
         const std::string side = sideOf(r, 0.3);
         return make("scarring", {"lung", r.chance(0.5) ? "apex" : "base", side}); }},
      {"aortic calcification", 140, [](Rng&) { return make("aortic calcification", {}); }},
      {"tortuous aorta", 130, [](Rng& r) { return withOptional("tortuous aorta", r, {"mild"}, 0.3); }},
      {"pleural effusion", 140, [](Rng& r) {
         Finding f{"pleural effusion", {sideOf(r, 0.35)}};
         if (r.chance(0.8)) f.qualifiers.push_back(pick(r, {"small", "small", "moderate", "large"}));
         return f; }},
      {"blunted costophrenic angle", 50, [](Rng& r) { return make("blunted costophrenic angle", {sideOf(r, 0.3)}); }},
      {"airspace disease", 100, [](Rng& r) { return lungFinding("airspace disease", r, 0.3, {"mild", "patchy"}, 0.3); }},
      {"central venous catheter", 100, [](Rng& r) { return make("central venous catheter", {r.chance(0.6) ? "right" : "left"}); }},
      {"nodule", 100, [](Rng& r) {
         if (r.chance(0.15)) return make("nodule", {"lung", "bilateral", "multiple"});
         return lungFinding("nodule", r, 0.0, {"small"}, 0.3); }},
      {"scoliosis", 90, [](Rng& r) {
         Finding f{"scoliosis", {"thoracic vertebrae"}};
         if (r.chance(0.6)) f.qualifiers.push_back(r.chance(0.5) ? "right" : "left");
         if (r.chance(0.5)) f.qualifiers.push_back(pick(r, {"mild", "mild", "moderate"}));
         return f; }},
      {"surgical clips", 90, [](Rng& r) { return make("surgical clips", {pick(r, {"abdomen", "mediastinum", "lung"})}); }},
      {"granulomatous disease", 80, [](Rng&) { return make("granulomatous disease", {}); }},
      {"elevated hemidiaphragm", 70, [](Rng& r) { return withOptional("elevated hemidiaphragm", r, {"mild"}, 0.2).qualifiers.empty()
                                                        ? make("elevated hemidiaphragm", {r.chance(0.6) ? "right" : "left"})
                                                        : make("elevated hemidiaphragm", {r.chance(0.6) ? "right" : "left", "mild"}); }},
      {"rib fracture", 50, [](Rng& r) {
         Finding f{"rib fracture", {r.chance(0.5) ? "right" : "left"}};
         if (r.chance(0.6)) f.qualifiers.push_back("healed");
         if (r.chance(0.3)) f.qualifiers.push_back("multiple");
         return f; }},
      {"pulmonary congestion", 55, [](Rng& r) { return withOptional("pulmonary congestion", r, {"mild"}, 0.3); }},
      {"infiltrate", 55, [](Rng& r) { return lungFinding("infiltrate", r, 0.2, {"patchy"}, 0.3); }},
      {"pacemaker", 60, [](Rng& r) { return make("pacemaker", {r.chance(0.85) ? "left" : "right"}); }},
      {"sternotomy wires", 45, [](Rng&) { return make("sternotomy wires", {}); }},
      {"pulmonary edema", 36, [](Rng& r) { return withOptional("pulmonary edema", r, {"mild", "interstitial", "moderate"}, 0.5); }},
      {"hiatal hernia", 38, [](Rng& r) { return withOptional("hiatal hernia", r, {"small", "moderate", "large"}, 0.6); }},
      {"kyphosis", 30, [](Rng& r) { return withOptional("kyphosis", r, {"mild", "severe"}, 0.4); }},
      {"eventration", 30, [](Rng& r) { return make("eventration", {r.chance(0.8) ? "right" : "left"}); }},
      {"consolidation", 26, [](Rng& r) { return lungFinding("consolidation", r, 0.1, {}, 0); }},
      {"pneumonia", 30, [](Rng& r) { return lungFinding("pneumonia", r, 0.1, {}, 0); }},
      {"pneumothorax", 25, [](Rng& r) {
         Finding f{"pneumothorax", {r.chance(0.5) ? "right" : "left"}};
         if (r.chance(0.8)) f.qualifiers.push_back(pick(r, {"small", "small", "moderate", "large"}));
         return f; }},
      {"endotracheal tube", 15, [](Rng&) { return make("endotracheal tube", {}); }},
      {"enteric tube", 14, [](Rng&) { return make("enteric tube", {}); }},
      {"spinal fusion hardware", 22, [](Rng& r) { return make("spinal fusion hardware", {pick(r, {"cervical vertebrae", "thoracic vertebrae"})}); }},
      {"mass", 14, [](Rng& r) { return lungFinding("mass", r, 0.0, {"large"}, 0.3); }},
      {"prominent markings", 70, [](Rng& r) { return withOptional("prominent markings", r, {"mild", "bilateral"}, 0.3); }},
      {"interstitial markings", 40, [](Rng& r) { return make("interstitial markings", {"lung", r.chance(0.5) ? "base" : "diffuse", "bilateral"}); }},
      {"hilar enlargement", 18, [](Rng& r) { return make("hilar enlargement", {sideOf(r, 0.5)}); }},
      {"osteophytes", 60, [](Rng&) { return make("osteophytes", {"thoracic vertebrae", "multiple"}); }},
      {"copd", 40, [](Rng&) { return make("copd", {}); }},
  };
  return list;
}

// Findings that describe the same thing and must not be drawn together.
const std::vector<std::set<std::string>>& exclusive() {
  static const std::vector<std::set<std::string>> groups = {
      {"low lung volumes", "hyperinflation", "emphysema", "copd"},
      {"pleural effusion", "blunted costophrenic angle"},
      {"opacity", "airspace disease", "infiltrate", "consolidation", "pneumonia"},
      {"pulmonary edema", "pulmonary congestion"},
      {"degenerative spine", "osteophytes"},
      {"endotracheal tube", "enteric tube"},
      {"calcified granuloma", "granulomatous disease"},
      {"elevated hemidiaphragm", "eventration"},
  };
  return groups;
}

bool conflicts(const FindingSet& set, const std::string& name) {
  for (const auto& f : set) {
    if (f.name == name) return true;
    for (const auto& g : exclusive())
      if (g.count(f.name) && g.count(name)) return true;
  }
  return false;
}

}  // namespace

std::string SyntheticReport::text() const { return "FINDINGS: " + findingsText + "\nIMPRESSION: " + impressionText; }

const std::vector<std::string>& grammarFindingNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& c : choices()) out.push_back(c.name);
    return out;
  }();
  return names;
}

FindingSet sampleFindingSet(Rng& rng) {
  FindingSet set;
  if (rng.chance(0.38)) return set;  // about the shared reports' share of normals
  const int count = static_cast<int>(rng.weighted({0.52, 0.26, 0.13, 0.06, 0.03})) + 1;
  std::vector<double> weights;
  for (const auto& c : choices()) weights.push_back(c.weight);
  for (int tries = 0; static_cast<int>(set.size()) < count && tries < 40; ++tries) {
    const Choice& c = choices()[rng.weighted(weights)];
    if (conflicts(set, c.name)) continue;
    set.push_back(c.make(rng));
  }
  return set;
}

SyntheticReport describeFindings(const FindingSet& findings, Rng& rng) {
  SyntheticReport report;
  report.findings = findings;
  std::set<std::string> names;
  for (const auto& f : findings) names.insert(f.name);
  auto any = [&](std::initializer_list<const char*> list) {
    return std::any_of(list.begin(), list.end(), [&](const char* n) { return names.count(n) > 0; });
  };
  std::vector<std::string> sentences;
  // Devices first, as radiologists often do, then heart, lungs, pleura, bones.
  std::vector<const Finding*> ordered;
  for (const auto& f : findings) ordered.push_back(&f);
  for (const Finding* f : ordered) sentences.push_back(findingSentence(*f, rng));
  if (!any({"cardiomegaly", "pericardial effusion", "heart failure"}))
    sentences.insert(sentences.begin(), pick(rng, {"The heart is normal in size.", "Heart size is normal.",
                                                   "The cardiomediastinal silhouette is within normal limits.",
                                                   "Normal cardiac and mediastinal contours.",
                                                   "The heart and mediastinum are unremarkable."}));
  if (!any({"opacity", "airspace disease", "infiltrate", "consolidation", "pneumonia", "pulmonary edema", "atelectasis", "mass", "nodule"}))
    sentences.push_back(pick(rng, {"The lungs are clear.", "No focal airspace consolidation.", "Lungs are clear bilaterally.",
                                   "There is no focal consolidation.", "No focal airspace disease."}));
  const bool effusion = any({"pleural effusion", "blunted costophrenic angle"}), ptx = any({"pneumothorax"});
  if (!effusion && !ptx)
    sentences.push_back(pick(rng, {"No pleural effusion or pneumothorax.", "There is no pleural effusion or pneumothorax.",
                                   "No pneumothorax or pleural effusion is seen.", "No effusion or pneumothorax."}));
  else if (!ptx)
    sentences.push_back(pick(rng, {"No pneumothorax.", "There is no pneumothorax."}));
  else if (!effusion)
    sentences.push_back(pick(rng, {"No pleural effusion.", "There is no pleural effusion."}));
  if (!any({"pulmonary edema", "pulmonary congestion"}) && rng.chance(0.3))
    sentences.push_back(pick(rng, {"No pulmonary edema.", "Pulmonary vascularity is normal."}));
  if (!any({"degenerative spine", "osteophytes", "rib fracture", "scoliosis", "kyphosis"}) && rng.chance(0.4))
    sentences.push_back(pick(rng, {"No acute bony abnormality.", "The osseous structures are intact.", "Visualized osseous structures are unremarkable."}));
  for (const auto& s : sentences) {
    if (!report.findingsText.empty()) report.findingsText += ' ';
    report.findingsText += s;
  }
  std::vector<std::string> important;
  for (const auto& f : findings)
    if (!isIncidental(f.name)) important.push_back(impressionPhrase(f, rng));
  if (important.empty()) {
    report.impressionText = pick(rng, {"No acute cardiopulmonary abnormality.", "No acute cardiopulmonary disease.",
                                       "Normal chest.", "No acute findings.", "No active disease in the chest."});
    if (!findings.empty() && rng.chance(0.5)) report.impressionText = capitalise(impressionPhrase(findings[0], rng)) + ". " + report.impressionText;
  } else {
    for (std::size_t i = 0; i < important.size() && i < 3; ++i) {
      if (!report.impressionText.empty()) report.impressionText += ' ';
      report.impressionText += (important.size() > 1 ? std::to_string(i + 1) + ". " : "") + important[i] + ".";
    }
  }
  return report;
}

SyntheticReport generateReport(Rng& rng) {
  FindingSet set = sampleFindingSet(rng);
  return describeFindings(set, rng);
}

}  // namespace mcr::synth
