#include "mcr/synth/ReportGrammar.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

namespace mcr::synth {
namespace {

using Words = std::vector<std::string>;

const std::string& pick(Rng& r, const Words& words) { return r.pick(words); }

std::string capitalise(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

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

// ---- prose -----------------------------------------------------------------------------
std::string sideWord(const Finding& f) {
  if (f.has("bilateral")) return "bilateral";
  if (f.has("right")) return "right";
  if (f.has("left")) return "left";
  return "";
}
std::string severityWord(const Finding& f) {
  for (const char* w : {"borderline", "mild", "small", "moderate", "large", "severe"})
    if (f.has(w)) return w;
  return "";
}
std::string zoneWords(const Finding& f) {
  const std::string side = sideWord(f);
  if (f.has("middle lobe")) return "right middle lobe";
  if (f.has("lingula")) return "lingula";
  const bool both = side == "bilateral";
  for (const char* z : {"base", "lower lobe", "upper lobe", "apex", "diffuse"}) {
    if (!f.has(z)) continue;
    std::string zone = z;
    if (zone == "diffuse") return both ? "both lungs diffusely" : "the lungs diffusely";
    if (both) return "both " + (zone == "apex" ? std::string("apices") : zone == "base" ? std::string("lung bases") : zone + "s");
    return (side.empty() ? "" : side + " ") + (zone == "base" ? std::string("lung base") : zone);
  }
  return side.empty() ? "the lungs" : (both ? "both lungs" : "the " + side + " lung");
}
std::string withArticle(const std::string& phrase) {
  if (phrase.rfind("the ", 0) == 0 || phrase.rfind("both ", 0) == 0) return phrase;
  return "the " + phrase;
}
std::string adj(const std::string& w) { return w.empty() ? "" : w + " "; }

std::string sentence(const Finding& f, Rng& r) {
  const std::string side = sideWord(f), sev = severityWord(f), where = withArticle(zoneWords(f));
  const std::string& n = f.name;
  if (n == "cardiomegaly") {
    if (sev == "borderline") return pick(r, {"Borderline cardiomegaly.", "The heart is borderline enlarged.", "Heart size is at the upper limits of normal."});
    return pick(r, {capitalise(adj(sev)) + "cardiomegaly.", "The cardiac silhouette is " + adj(sev) + "enlarged.",
                    "There is " + adj(sev) + "enlargement of the cardiac silhouette.", "Heart size is " + adj(sev) + "enlarged."});
  }
  if (n == "pleural effusion") {
    const std::string s = side == "bilateral" ? "bilateral " : adj(side);
    return pick(r, {capitalise(adj(sev) + s + "pleural effusion" + (side == "bilateral" ? "s." : ".")),
                    "There is a " + adj(sev) + s + "pleural effusion.",
                    capitalise(adj(sev) + s + "pleural fluid is present."),
                    "Blunting of the " + (side == "bilateral" ? std::string("costophrenic angles") : side + " costophrenic angle") +
                        " consistent with a " + adj(sev) + "effusion."});
  }
  if (n == "blunted costophrenic angle")
    return pick(r, {"Blunting of the " + (side == "bilateral" ? std::string("costophrenic angles") : side + " costophrenic angle") + ".",
                    capitalise(side) + " costophrenic angle blunting, which may reflect a trace effusion or pleural thickening."});
  if (n == "pneumothorax")
    return pick(r, {"There is a " + adj(sev) + side + " pneumothorax.", capitalise(adj(sev) + side + " pneumothorax."),
                    "A " + adj(sev) + side + " apical pneumothorax is present with a visible pleural line."});
  if (n == "opacity" || n == "airspace disease" || n == "infiltrate" || n == "consolidation" || n == "pneumonia") {
    const std::string kind = n == "opacity" ? (f.has("streaky") ? "streaky opacities" : f.has("patchy") ? "patchy opacity" : "opacity")
                             : n == "airspace disease" ? "airspace disease"
                             : n == "infiltrate"      ? "infiltrate"
                             : n == "consolidation"   ? "focal consolidation"
                                                      : "airspace consolidation";
    std::string text = pick(r, {"There is " + adj(sev) + kind + " in " + where + ".", capitalise(adj(sev) + kind + " in " + where + "."),
                                capitalise(where) + " demonstrates " + adj(sev) + kind + "."});
    if (n == "pneumonia") text += pick(r, {" Findings are concerning for pneumonia.", " This is compatible with pneumonia.", ""});
    if (n == "opacity" && f.has("streaky")) text += pick(r, {" This likely represents atelectasis or scarring.", ""});
    return text;
  }
  if (n == "atelectasis")
    return pick(r, {capitalise(adj(sev)) + side + " basilar atelectasis.", "There is " + adj(sev) + "atelectasis in " + where + ".",
                    "Linear opacity in " + where + " consistent with subsegmental atelectasis."});
  if (n == "calcified granuloma") {
    if (f.has("multiple") || f.has("scattered"))
      return pick(r, {"Scattered calcified granulomas.", "Multiple calcified granulomas are noted.", "There are several calcified pulmonary granulomas."});
    return pick(r, {"Calcified granuloma in " + where + ".", "There is a calcified granuloma in " + where + ".",
                    "A small calcified nodule in " + where + " is consistent with an old granuloma."});
  }
  if (n == "granulomatous disease")
    return pick(r, {"Calcified granulomas and calcified hilar lymph nodes consistent with prior granulomatous disease.",
                    "Sequela of prior granulomatous disease."});
  if (n == "nodule") {
    if (f.has("multiple")) return pick(r, {"Multiple bilateral pulmonary nodules.", "There are multiple nodular opacities in both lungs."});
    return pick(r, {"There is a " + adj(sev) + "nodule in " + where + ".", capitalise(adj(sev)) + "nodular opacity in " + where + ".",
                    "A " + adj(sev) + "pulmonary nodule is seen in " + where + "."});
  }
  if (n == "mass")
    return pick(r, {"There is a " + adj(sev) + "mass in " + where + ".", capitalise(adj(sev)) + "masslike opacity in " + where + "."});
  if (n == "degenerative spine" || n == "osteophytes")
    return pick(r, {capitalise(adj(sev)) + "degenerative changes of the thoracic spine.", "Degenerative changes are present in the spine.",
                    "There are " + adj(sev) + "degenerative changes with osteophytes of the thoracic spine.",
                    "Multilevel thoracic spondylosis."});
  if (n == "low lung volumes")
    return pick(r, {"Low lung volumes.", "The lung volumes are " + std::string(sev == "severe" ? "markedly " : "") + "low.",
                    "Hypoinflation with bronchovascular crowding."});
  if (n == "hyperinflation") return pick(r, {"The lungs are hyperexpanded.", "Hyperinflated lungs.", "The lungs are " + adj(sev) + "hyperinflated."});
  if (n == "emphysema" || n == "copd")
    return pick(r, {"Hyperinflated lungs with flattened hemidiaphragms consistent with emphysema.", "Emphysematous changes.",
                    "Changes of chronic obstructive pulmonary disease with hyperlucent, hyperexpanded lungs."});
  if (n == "scarring")
    return pick(r, {"Scarring in " + where + ".", "Linear scarring in " + where + ".", "There is " + adj(sev) + "scarring in " + where + "."});
  if (n == "aortic calcification")
    return pick(r, {"Atherosclerotic calcification of the aortic arch.", "Calcified aortic knob.", "Aortic atherosclerosis."});
  if (n == "tortuous aorta")
    return pick(r, {"The thoracic aorta is " + adj(sev) + "tortuous.", capitalise(adj(sev)) + "tortuosity of the thoracic aorta.",
                    "Tortuous aorta."});
  if (n == "central venous catheter")
    return pick(r, {capitalise(side) + " central venous catheter with tip in the superior vena cava.",
                    capitalise(side) + "-sided central line terminates in the SVC.",
                    "There is a " + side + " chest port catheter, tip at the cavoatrial junction."});
  if (n == "scoliosis")
    return pick(r, {capitalise(adj(sev)) + (side.empty() ? "" : side + " convex ") + "scoliosis of the thoracic spine.",
                    "There is " + adj(sev) + "thoracic scoliosis.", "Thoracic spine curvature."});
  if (n == "surgical clips") {
    if (f.has("abdomen")) return pick(r, {"Cholecystectomy clips in the right upper quadrant.", "Surgical clips in the upper abdomen."});
    if (f.has("mediastinum")) return pick(r, {"Mediastinal surgical clips.", "Surgical clips project over the mediastinum."});
    return pick(r, {"Surgical clips project over the chest.", "Postsurgical clips are noted."});
  }
  if (n == "elevated hemidiaphragm")
    return pick(r, {"Elevation of the " + side + " hemidiaphragm.", "The " + side + " hemidiaphragm is " + adj(sev) + "elevated.",
                    capitalise(adj(sev)) + "elevated " + side + " hemidiaphragm."});
  if (n == "eventration") return pick(r, {"Eventration of the " + side + " hemidiaphragm.", capitalise(side) + " diaphragmatic eventration."});
  if (n == "rib fracture") {
    const std::string many = f.has("multiple") ? "fractures" : "fracture";
    return pick(r, {(f.has("healed") ? "Healed " : "Acute-appearing ") + side + " rib " + many + ".",
                    "There " + std::string(f.has("multiple") ? "are " : "is a ") + (f.has("healed") ? "healed " : "") + side +
                        " rib " + many + "."});
  }
  if (n == "pulmonary congestion") return pick(r, {capitalise(adj(sev)) + "pulmonary vascular congestion.", "There is " + adj(sev) + "vascular congestion."});
  if (n == "pulmonary edema")
    return pick(r, {capitalise(adj(sev)) + "pulmonary edema.", "Perihilar haziness and septal lines consistent with " + adj(sev) + "pulmonary edema.",
                    "There is " + adj(sev) + "interstitial edema."});
  if (n == "pacemaker")
    return pick(r, {capitalise(side) + " chest wall pacemaker with leads in the right atrium and right ventricle.",
                    "A " + side + "-sided dual-lead pacemaker is in place.", "Cardiac pacemaker, leads in expected position."});
  if (n == "sternotomy wires") return pick(r, {"Median sternotomy wires.", "Status post median sternotomy.", "Intact sternotomy wires."});
  if (n == "hiatal hernia")
    return pick(r, {capitalise(adj(sev)) + "hiatal hernia.", "There is a " + adj(sev) + "retrocardiac hiatal hernia.",
                    "Retrocardiac air-fluid level consistent with a " + adj(sev) + "hiatal hernia."});
  if (n == "kyphosis") return pick(r, {capitalise(adj(sev)) + "thoracic kyphosis.", "Increased thoracic kyphosis."});
  if (n == "endotracheal tube") return pick(r, {"Endotracheal tube tip above the carina.", "The endotracheal tube terminates in the trachea."});
  if (n == "enteric tube") return pick(r, {"Enteric tube courses below the diaphragm into the stomach.", "Nasogastric tube in the stomach."});
  if (n == "spinal fusion hardware")
    return pick(r, {std::string("Postoperative fusion hardware in the ") + (f.has("cervical vertebrae") ? "lower cervical" : "thoracic") + " spine.",
                    "Spinal fusion hardware is noted."});
  if (n == "prominent markings") return pick(r, {"Prominent bronchovascular markings.", "Bronchovascular markings are " + adj(sev) + "prominent."});
  if (n == "interstitial markings")
    return pick(r, {"Increased interstitial markings in " + where + ".", "Coarsened interstitial markings, likely chronic."});
  if (n == "hilar enlargement")
    return pick(r, {"Enlargement of the " + (side == "bilateral" ? std::string("hila bilaterally") : side + " hilum") + ".",
                    "Prominent " + (side == "bilateral" ? std::string("hila") : side + " hilum") + "."});
  return capitalise(f.name) + ".";
}

// The impression: the clinically important findings, or a normal line.
bool incidental(const std::string& n) {
  static const std::set<std::string> names = {"calcified granuloma", "granulomatous disease", "degenerative spine", "osteophytes",
                                              "aortic calcification", "tortuous aorta", "scarring", "surgical clips",
                                              "scoliosis", "kyphosis", "rib fracture", "spinal fusion hardware", "prominent markings",
                                              "interstitial markings", "sternotomy wires", "low lung volumes", "hyperinflation",
                                              "eventration", "elevated hemidiaphragm", "central venous catheter", "pacemaker"};
  return names.count(n) > 0;
}

std::string impressionPhrase(const Finding& f, Rng& r) {
  const std::string side = sideWord(f), sev = severityWord(f);
  const std::string& n = f.name;
  if (n == "pleural effusion") return capitalise(adj(sev) + (side == "bilateral" ? "bilateral pleural effusions" : adj(side) + "pleural effusion"));
  if (n == "pneumothorax") return capitalise(adj(sev) + side + " pneumothorax");
  if (n == "cardiomegaly") return capitalise(adj(sev) + "cardiomegaly");
  if (n == "pneumonia") return pick(r, {"Findings concerning for pneumonia", capitalise(zoneWords(f)) + " pneumonia"});
  if (n == "opacity" || n == "airspace disease" || n == "infiltrate" || n == "consolidation")
    return capitalise(pick(r, {n, "airspace opacity"})) + " in " + withArticle(zoneWords(f)) +
           pick(r, {"", ", atelectasis versus infection", ", follow-up recommended"});
  if (n == "atelectasis") return capitalise(adj(side == "bilateral" ? "bibasilar" : side + " basilar") + "atelectasis");
  if (n == "pulmonary edema") return pick(r, {"Pulmonary edema", "Findings consistent with congestive heart failure"});
  if (n == "pulmonary congestion") return "Pulmonary vascular congestion";
  if (n == "nodule") return pick(r, {"Pulmonary nodule; CT recommended for further evaluation", "Indeterminate pulmonary nodule"});
  if (n == "mass") return "Lung mass; further evaluation with CT is recommended";
  if (n == "emphysema" || n == "copd") return pick(r, {"Emphysema", "COPD"});
  if (n == "hiatal hernia") return "Hiatal hernia";
  if (n == "endotracheal tube" || n == "enteric tube") return "Support tube in satisfactory position";
  if (n == "blunted costophrenic angle") return "Blunted costophrenic angle, trace effusion or pleural thickening";
  if (n == "hilar enlargement") return "Hilar enlargement, lymphadenopathy not excluded";
  return capitalise(n);
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
  for (const Finding* f : ordered) sentences.push_back(sentence(*f, rng));
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
    if (!incidental(f.name)) important.push_back(impressionPhrase(f, rng));
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
