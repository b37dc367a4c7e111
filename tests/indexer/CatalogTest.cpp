// The compact catalog (indexer/src/Catalog.h) against a plain reference model: random puts,
// replaces and erases with ids of every encoding (Orthanc ids, decimal UIDs and dates, raw
// text, long strings on the heap, empty fields), checking every record, key, reverse-map
// lookup and filter after each step, and the encoding of PackedString on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <set>

#include "Catalog.h"
#include "PackedString.h"

namespace mcr::index::detail {
namespace {

bool sameRecord(const Record& a, const Record& b) {
  return a.patient == b.patient && a.study == b.study && a.series == b.series && a.instance == b.instance &&
         a.sopInstanceUid == b.sopInstanceUid && a.studyDate == b.studyDate && a.modality == b.modality &&
         a.indexedAtUnix == b.indexedAtUnix;
}

std::string orthancId(std::mt19937& rng) {
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (int group = 0; group < 5; ++group) {
    if (group) id += '-';
    for (int i = 0; i < 8; ++i) id += kHex[rng() % 16];
  }
  return id;
}

TEST(PackedString, RoundTripsEveryEncoding) {
  std::mt19937 rng(3);
  std::vector<std::string> texts{"", "a", "CR", "20200115", "1", ".", "..", "0", "00", "p12", "i123456",
                                 std::string(23, 'x'), std::string(24, 'x'), std::string(200, 'y'),
                                 std::string("nul\0inside", 10), "1.2.840.10008.5.1.4.1.1.1",
                                 "1.2.826.0.1.3680043.8.498.12345678901234567890123456789012345678"};
  for (int i = 0; i < 50; ++i) texts.push_back(orthancId(rng));
  std::string id = orthancId(rng);
  texts.push_back(id.substr(0, 43));                       // one short: raw
  texts.push_back(id + "0");                               // one long: raw
  std::string upper = id;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  texts.push_back(upper);                                  // uppercase hex: raw
  std::string misplaced = id;
  std::swap(misplaced[8], misplaced[9]);
  texts.push_back(misplaced);                              // dash in the wrong place: raw
  for (std::size_t length = 1; length <= 100; ++length) {  // decimal inline and on the heap
    std::string digits;
    for (std::size_t i = 0; i < length; ++i) digits += "0123456789."[rng() % 11];
    texts.push_back(digits);
  }
  for (const std::string& text : texts) {
    const PackedString packed(text);
    EXPECT_EQ(packed.str(), text);
    EXPECT_EQ(packed.empty(), text.empty());
    PackedString again(text);
    EXPECT_TRUE(packed == again);
    EXPECT_EQ(packed.hash(), again.hash());
    PackedString moved(std::move(again));
    EXPECT_EQ(moved.str(), text);
  }
  // Distinct texts are distinct encodings.
  for (std::size_t a = 0; a < texts.size(); ++a) {
    for (std::size_t b = a + 1; b < texts.size(); ++b) {
      if (texts[a] != texts[b]) { EXPECT_FALSE(PackedString(texts[a]) == PackedString(texts[b])) << texts[a] << " / " << texts[b]; }
    }
  }
  // What the catalog relies on for memory: Orthanc ids, dates and 46-digit UIDs stay inline.
  EXPECT_EQ(PackedString(orthancId(rng)).heapBytes(), 0u);
  EXPECT_EQ(PackedString("1.2.840.113619.2.55.3.604688119.969.1268071029").heapBytes(), 0u);
  EXPECT_GT(PackedString(std::string(64, '1')).heapBytes(), 0u);
}

// The reference: what every lookup must answer, computed from scratch.
struct Reference {
  Space space;
  std::map<Label, Record> records;

  std::vector<Label> labelsOf(const std::string& id) const {
    std::vector<Label> labels;
    if (id.empty()) return labels;
    for (const auto& [label, r] : records) {
      const bool byResource = r.patient == id || (space != Space::Studies && (r.study == id || r.series == id));
      if (r.key(space) == id || byResource) labels.push_back(label);
    }
    return labels;
  }
  static bool matches(const Record& r, const Filter& f) {
    if (f.modality && r.modality != *f.modality) return false;
    if (f.dateFrom && (r.studyDate.empty() || r.studyDate < *f.dateFrom)) return false;
    if (f.dateTo && (r.studyDate.empty() || r.studyDate > *f.dateTo)) return false;
    if (f.excludePatient && r.patient == *f.excludePatient) return false;
    if (f.excludeStudy && r.study == *f.excludeStudy) return false;
    return true;
  }
};

class CatalogModel : public ::testing::TestWithParam<Space> {};

TEST_P(CatalogModel, AgreesWithAReferenceThroughRandomChanges) {
  const Space space = GetParam();
  std::mt19937 rng(11 + static_cast<int>(space));
  // Small pools of ids so that records share patients, studies and series, ids are reused
  // in several roles, and keys come back after being erased.
  std::vector<std::string> resources{"", "p1", "p2", std::string(40, 'q'), "1.2.3", "20200101"};
  for (int i = 0; i < 12; ++i) resources.push_back(orthancId(rng));
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) keys.push_back(i % 3 == 0 ? orthancId(rng) : i % 3 == 1 ? "i" + std::to_string(i) : "1.2.3." + std::to_string(i));
  keys.push_back(resources[7]);  // a key that is also a resource id of other records
  const std::vector<std::string> dates{"", "20190101", "20200615", "20211231"};
  const std::vector<std::string> modalities{"", "CR", "DX", "SR"};
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };

  Catalog catalog(space);
  Reference reference{space, {}};
  for (int step = 0; step < 3000; ++step) {
    const Label label = rng() % 60;
    if (rng() % 3 == 0) {
      catalog.erase(label);
      reference.records.erase(label);
    } else {
      Record r;
      r.patient = pick(resources);
      r.study = pick(resources);
      r.series = pick(resources);
      r.instance = pick(resources);
      (space == Space::Studies ? r.study : r.instance) = pick(keys);
      r.sopInstanceUid = rng() % 2 ? "1.2.840." + std::to_string(rng()) + std::string(rng() % 40, '7') : "";
      r.studyDate = pick(dates);
      r.modality = pick(modalities);
      r.indexedAtUnix = static_cast<int64_t>(rng() % 1000) - 10;
      // The index never gives one key two labels: it replaces through the existing label.
      auto holder = std::find_if(reference.records.begin(), reference.records.end(),
                                 [&](const auto& e) { return e.second.key(space) == r.key(space) && e.first != label; });
      if (holder != reference.records.end()) {
        EXPECT_THROW(catalog.put(label, r), IndexError);
        reference.records.erase(label);  // put() erased the label's old record before refusing
        continue;
      }
      catalog.put(label, r);
      reference.records[label] = r;
    }
    ASSERT_EQ(catalog.size(), reference.records.size());
    if (step % 25 != 0) continue;
    for (Label l = 0; l < 60; ++l) {
      const auto found = reference.records.find(l);
      const auto stored = catalog.record(l);
      ASSERT_EQ(stored.has_value(), found != reference.records.end()) << l;
      if (stored) {
        EXPECT_TRUE(sameRecord(*stored, found->second)) << l;
        EXPECT_EQ(catalog.labelOfKey(found->second.key(space)), std::optional<Label>(l));
      }
    }
    for (const std::string& id : resources) { EXPECT_EQ(catalog.labelsOf(id), reference.labelsOf(id)) << id; }
    for (const std::string& id : keys) { EXPECT_EQ(catalog.labelsOf(id), reference.labelsOf(id)) << id; }
    EXPECT_TRUE(catalog.labelsOf("absent").empty());
    for (int f = 0; f < 6; ++f) {
      Filter filter;
      if (rng() % 2) filter.modality = pick(modalities) + (rng() % 5 == 0 ? "X" : "");
      if (rng() % 3 == 0) filter.dateFrom = pick(dates);
      if (rng() % 3 == 0) filter.dateTo = pick(dates);
      if (rng() % 3 == 0) filter.excludePatient = pick(resources);
      if (rng() % 3 == 0) filter.excludeStudy = space == Space::Studies ? pick(keys) : pick(resources);
      const CompiledFilter compiled = catalog.compile(filter);
      std::set<Label> passing;
      catalog.forEach([&](Catalog::Ref ref) {
        if (catalog.passes(ref, compiled)) passing.insert(catalog.label(ref));
      });
      std::set<Label> expected;
      for (const auto& [l, r] : reference.records) {
        if (Reference::matches(r, filter)) expected.insert(l);
      }
      EXPECT_EQ(passing, expected);
    }
    std::vector<std::string> problems;
    catalog.check(problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
  }

  // The on-disk form holds exactly the records, and reads back into an equal catalog.
  pb::SpaceCatalog proto;
  catalog.toProto(proto);
  ASSERT_EQ(static_cast<std::size_t>(proto.entries_size()), reference.records.size());
  Catalog reread(space);
  for (const auto& entry : proto.entries()) {
    EXPECT_TRUE(sameRecord(fromProto(entry.record()), reference.records.at(entry.label())));
    reread.put(entry.label(), fromProto(entry.record()));
  }
  for (const auto& [label, r] : reference.records) { EXPECT_TRUE(sameRecord(*reread.record(label), r)); }
  // Erasing everything frees every interned string and list.
  for (Label l = 0; l < 60; ++l) catalog.erase(l);
  EXPECT_EQ(catalog.size(), 0u);
  for (const std::string& id : resources) { EXPECT_TRUE(catalog.labelsOf(id).empty()); }
  std::vector<std::string> problems;
  catalog.check(problems);
  EXPECT_TRUE(problems.empty());
}

INSTANTIATE_TEST_SUITE_P(Spaces, CatalogModel, ::testing::Values(Space::Images, Space::Reports, Space::Studies));

TEST(Catalog, RefusesWhatItCannotStore) {
  Catalog catalog(Space::Images);
  Record r;
  r.patient = "p";
  EXPECT_THROW(catalog.put(1, r), IndexError);  // no key
  r.instance = "i";
  EXPECT_THROW(catalog.put(kMaxLabel, r), IndexError);
  catalog.put(1, r);
  EXPECT_THROW(catalog.put(2, r), IndexError);  // the key belongs to label 1
  EXPECT_EQ(catalog.labelOfKey("i"), std::optional<Label>(1));
}

TEST(Catalog, SharedIdsCostLessThanAStringPerRecord) {
  // 2000 instances of 250 studies of 50 patients, with Orthanc ids: the slots, indexes
  // and interned ids, not a heap string per field.
  std::mt19937 rng(5);
  std::vector<std::string> patients, studies;
  for (int i = 0; i < 50; ++i) patients.push_back(orthancId(rng));
  for (int i = 0; i < 250; ++i) studies.push_back(orthancId(rng));
  Catalog catalog(Space::Images);
  for (Label label = 0; label < 2000; ++label) {
    Record r;
    r.patient = patients[label % 50];
    r.study = studies[label / 8];
    r.series = studies[label / 8];
    r.instance = orthancId(rng);
    r.sopInstanceUid = "1.2.840.113619.2.55.3." + std::to_string(label);
    r.studyDate = "20200101";
    r.modality = "CR";
    catalog.put(label, r);
  }
  const double perRecord = double(catalog.memoryBytes()) / catalog.size();
  EXPECT_LT(perRecord, 200.0);  // 112-byte slot + 2 x 4-byte index buckets at most half full + shared ids
  EXPECT_GT(perRecord, 112.0);
}

}  // namespace
}  // namespace mcr::index::detail
