#include <gtest/gtest.h>

#include <set>

#include "mcr/synth/Findings.h"
#include "mcr/synth/Phantom.h"

using namespace mcr::synth;

TEST(Findings, ParseAndJoinRoundTrip) {
  const Finding f = parseFinding("  Pleural Effusion / Right/small ");
  EXPECT_EQ(f.name, "pleural effusion");
  EXPECT_EQ(f.qualifiers, (std::vector<std::string>{"right", "small"}));
  EXPECT_EQ(f.str(), "pleural effusion/right/small");
  const FindingSet set = parseFindingList("cardiomegaly/mild;;pleural effusion/left");
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(joinFindings(set), "cardiomegaly/mild;pleural effusion/left");
  EXPECT_TRUE(parseFindingList("").empty());
}

TEST(Findings, QualifiersGiveSideZoneAndSeverity) {
  Qualifiers q = readQualifiers(parseFinding("opacity/lung/base/left/mild"));
  EXPECT_EQ(q.side, Side::Left);
  EXPECT_EQ(q.zone, Zone::Base);
  EXPECT_DOUBLE_EQ(q.severity, 0.45);
  q = readQualifiers(parseFinding("atelectasis/lingula"));
  EXPECT_EQ(q.side, Side::Left);  // the lingula is in the left lung
  EXPECT_EQ(q.zone, Zone::Middle);
  q = readQualifiers(parseFinding("nodule/right/left"));
  EXPECT_EQ(q.side, Side::Bilateral);
  EXPECT_LT(readQualifiers(parseFinding("cardiomegaly/borderline")).severity,
            readQualifiers(parseFinding("cardiomegaly/severe")).severity);
}

TEST(Findings, MeshTermsMapToTheVocabulary) {
  EXPECT_EQ(mapMeshTerm("Opacity/lung/base/left/mild").finding.str(), "opacity/lung/base/left/mild");
  EXPECT_EQ(mapMeshTerm("Cardiomegaly/borderline").finding.str(), "cardiomegaly/borderline");
  EXPECT_EQ(mapMeshTerm("Lung/hypoinflation/mild").finding.str(), "low lung volumes/mild");
  EXPECT_EQ(mapMeshTerm("Pulmonary Atelectasis/base/left").finding.str(), "atelectasis/base/left");
  EXPECT_EQ(mapMeshTerm("Calcinosis/aorta").finding.str(), "aortic calcification");
  EXPECT_EQ(mapMeshTerm("Implanted Medical Device/left").finding.str(), "pacemaker/left");
  EXPECT_EQ(mapMeshTerm("Implanted Medical Device/aortic valve").finding.name, "prosthetic heart valve");
  EXPECT_EQ(mapMeshTerm("Fractures, Bone/ribs/left/healed").finding.str(), "rib fracture/left/healed");
  EXPECT_EQ(mapMeshTerm("Tube, Inserted/trachea").finding.name, "endotracheal tube");
  EXPECT_EQ(mapMeshTerm("Subcutaneous  Emphysema").finding.name, "subcutaneous emphysema");
  EXPECT_EQ(mapMeshTerm("normal").kind, MeshTermResult::Kind::NoFinding);
  EXPECT_EQ(mapMeshTerm("No Indexing").kind, MeshTermResult::Kind::NoFinding);
  EXPECT_EQ(mapMeshTerm("Pectus Carinatum").kind, MeshTermResult::Kind::Unknown);
  EXPECT_EQ(mapMeshTerm("Fractures, Bone/sternum").kind, MeshTermResult::Kind::Unknown);  // not seen on a PA view
}

TEST(Findings, MeshFieldKeepsUnknownTermsAndDeduplicates) {
  const MeshMapping m = mapMeshField("Cardiomegaly/mild;Pectus Carinatum;Cardiomegaly/mild;normal");
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].str(), "cardiomegaly/mild");
  EXPECT_EQ(m.unknownTerms, std::vector<std::string>{"Pectus Carinatum"});
  EXPECT_TRUE(mapMeshField("normal").findings.empty());
}

TEST(Findings, EveryCanonicalNameHasASignAndMappedNamesAreCanonical) {
  for (const auto& name : canonicalFindingNames()) EXPECT_TRUE(canRender(Finding{name, {}})) << name;
  EXPECT_FALSE(canRender(Finding{"pectus carinatum", {}}));
  for (const char* term : {"Opacity/lung/base/left", "Spine/degenerative", "Granulomatous Disease", "Aorta, Thoracic/tortuous",
                           "Markings/bronchovascular", "Catheters, Indwelling/right", "Hernia, Hiatal/large"}) {
    const auto r = mapMeshTerm(term);
    ASSERT_EQ(r.kind, MeshTermResult::Kind::Finding) << term;
    EXPECT_TRUE(isCanonicalFindingName(r.finding.name)) << term;
    for (const auto& q : r.finding.qualifiers) EXPECT_TRUE(isKnownQualifier(q)) << term << " " << q;
  }
}

TEST(Findings, ClassesHaveQueriesAndMatchBySide) {
  std::set<std::string> ids;
  for (const auto& cls : findingClasses()) {
    EXPECT_FALSE(cls.query.empty());
    EXPECT_TRUE(ids.insert(cls.id).second) << cls.id;
    for (const auto& n : cls.names) EXPECT_TRUE(isCanonicalFindingName(n)) << n;
  }
  const auto& classes = findingClasses();
  auto byId = [&](const std::string& id) {
    for (const auto& c : classes)
      if (c.id == id) return c;
    ADD_FAILURE() << id;
    return classes[0];
  };
  EXPECT_EQ(byId("pleural_effusion_right").query, "right pleural effusion");
  EXPECT_TRUE(matchesClass(byId("pleural_effusion_right"), parseFindingList("pleural effusion/right/small")));
  EXPECT_TRUE(matchesClass(byId("pleural_effusion_right"), parseFindingList("pleural effusion/bilateral")));
  EXPECT_FALSE(matchesClass(byId("pleural_effusion_right"), parseFindingList("pleural effusion/left")));
  EXPECT_TRUE(matchesClass(byId("pacemaker"), parseFindingList("cardiomegaly;pacemaker/left")));
  EXPECT_FALSE(matchesClass(byId("cardiomegaly"), FindingSet{}));
}
