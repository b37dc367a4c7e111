// Sentences for findings: several phrasings each, with side, zone and severity words.
#include "ReportProse.h"

#include <cctype>
#include <set>

namespace mcr::synth::detail {
namespace {

using Words = std::vector<std::string>;

const std::string& pick(Rng& r, const Words& words) { return r.pick(words); }

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

}  // namespace

std::string capitalise(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string findingSentence(const Finding& f, Rng& r) {
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

bool isIncidental(const std::string& n) {
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

}  // namespace mcr::synth::detail
