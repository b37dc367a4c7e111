#pragma once
// The finding vocabulary shared by the CSV (MeSH) source, the report grammar, the phantom
// renderer, the manifest and the trainer's evaluation.
//
// A finding is a lowercase canonical name in plain words followed by qualifiers after '/':
//   "pleural effusion/right/small", "cardiomegaly/mild",
//   "calcified granuloma/lung/upper lobe/right".
// Qualifiers come from a closed list (side, zone, severity, shape, site words, see
// isKnownQualifier). A normal study has an empty finding set.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcr::synth {

struct Finding {
  std::string name;                     // canonical name, e.g. "pleural effusion"
  std::vector<std::string> qualifiers;  // e.g. {"right", "small"}, source order kept

  std::string str() const;              // "pleural effusion/right/small"
  bool has(std::string_view qualifier) const;
  bool operator==(const Finding& other) const {
    return name == other.name && qualifiers == other.qualifiers;
  }
};
using FindingSet = std::vector<Finding>;

// "pleural effusion/right/small" -> Finding. Lowercases and trims; empty parts dropped.
Finding parseFinding(std::string_view text);
// ';'-separated list, as written in the manifest's findings column.
std::string joinFindings(const FindingSet& findings);
FindingSet parseFindingList(std::string_view text);

enum class Side { Unspecified, Right, Left, Bilateral };
enum class Zone { Unspecified, Apex, Upper, Middle, Lower, Base, Hilum, Retrocardiac, Paratracheal, Diffuse };

// What the renderer and the grammar read from qualifiers.
struct Qualifiers {
  Side side = Side::Unspecified;
  Zone zone = Zone::Unspecified;
  double severity = -1;       // 0..1 (borderline .25, mild/small .45, moderate .7, large/severe 1); -1 = not given
  bool multiple = false;      // multiple / scattered
  bool healed = false;
  bool round = false;
  bool linear = false;        // streaky / linear / plate-like
  bool interstitial = false;  // interstitial / reticular
  std::vector<std::string> sites;  // anatomical site words, e.g. "ribs", "aorta", "abdomen"
};
Qualifiers readQualifiers(const Finding& finding);
bool isKnownQualifier(std::string_view qualifier);

// Canonical names the phantom can draw, in a stable order (the vocabulary).
const std::vector<std::string>& canonicalFindingNames();
bool isCanonicalFindingName(std::string_view name);

// Classes for retrieval evaluation: a canonical probe query and the findings it stands for.
// A study is positive for a class when one of its findings has one of `names` and, when
// `side` is given, that side or "bilateral" among its qualifiers.
struct FindingClass {
  std::string id;                  // stable identifier, e.g. "pleural_effusion_right"
  std::string query;               // canonical probe text, e.g. "right pleural effusion"
  std::vector<std::string> names;  // canonical finding names counted as this class
  std::string side;                // "", "right" or "left"
};
const std::vector<FindingClass>& findingClasses();
bool matchesClass(const FindingClass& cls, const Finding& finding);
bool matchesClass(const FindingClass& cls, const FindingSet& findings);

// MeSH (Indiana University "MeSH" column) to the vocabulary.
struct MeshTermResult {
  enum class Kind { Finding, NoFinding, Unknown } kind = Kind::Unknown;
  Finding finding;       // valid when kind == Finding
  std::string original;  // the term as given
};
MeshTermResult mapMeshTerm(std::string_view term);

struct MeshMapping {
  FindingSet findings;                    // mapped, deduplicated, in source order
  std::vector<std::string> unknownTerms;  // terms with no canonical name (as given)
};
MeshMapping mapMeshField(std::string_view meshField);

}  // namespace mcr::synth
