#include "mcr/trainer/Manifest.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "mcr/report/ReportText.h"
#include "mcr/synth/Csv.h"
#include "mcr/synth/Findings.h"

namespace mcr::trainer {
namespace fs = std::filesystem;

std::string findingSetKey(const std::string& findings) {
  std::vector<std::string> parts;
  for (const auto& f : synth::parseFindingList(findings)) parts.push_back(f.str());
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  std::string key;
  for (const auto& p : parts) key += p + ";";
  return key;
}

std::string splitForPatient(const std::string& patientId) {
  // FNV-1a: stable across platforms and library versions (std::hash is not).
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : patientId) h = (h ^ c) * 1099511628211ull;
  const auto bucket = h % 10;
  return bucket < 8 ? "train" : bucket == 8 ? "val" : "test";
}

namespace {

// Normalised report text of a .txt file or a DICOM SR (ReportText.h: normalised once, where
// the text enters).
std::string readReportFile(const std::string& path) {
  const auto ext = fs::path(path).extension().string();
  if (ext == ".txt") {
    std::ifstream f(path);
    if (!f) throw ManifestError("cannot read report file '" + path + "'");
    std::ostringstream ss;
    ss << f.rdbuf();
    return report::normaliseReportText(ss.str());
  }
  return report::readReportTextFile(path);  // DICOM SR; throws NoReportText
}

}  // namespace

std::vector<Study> loadManifest(const std::string& path) {
  synth::CsvTable table;
  try {
    table = synth::readCsvFile(path);
  } catch (const std::exception& e) {
    throw ManifestError("cannot read manifest '" + path + "': " + e.what());
  }
  const fs::path base = fs::path(path).parent_path();
  const int image = table.column("image_path");
  const int text = table.column("report_text");
  const int report = table.column("report_path");
  const int study = table.column("study_id");
  const int patient = table.column("patient_id");
  const int split = table.column("split");
  const int findings = table.column("findings");
  if (image < 0) throw ManifestError("manifest '" + path + "' has no image_path column");
  if (text < 0 && report < 0) throw ManifestError("manifest '" + path + "' has neither report_text nor report_path");

  auto resolve = [&](const std::string& p) { return fs::path(p).is_absolute() ? p : (base / p).string(); };
  std::vector<Study> out;
  std::map<std::string, std::string> patientSplit;
  for (const auto& row : table.rows) {
    const auto& f = row.fields;
    Study s;
    s.imagePath = resolve(f[image]);
    s.studyId = study >= 0 ? f[study] : "row" + std::to_string(row.row);
    s.patientId = patient >= 0 && !f[patient].empty() ? f[patient] : s.studyId;
    s.reportText = text >= 0 ? report::normaliseReportText(f[text]) : "";
    if (s.reportText.empty() && report >= 0 && !f[report].empty()) {
      try {
        s.reportText = readReportFile(resolve(f[report]));
      } catch (const std::exception& e) {
        throw ManifestError("manifest row " + std::to_string(row.row) + ": report: " + e.what());
      }
    }
    if (s.reportText.empty()) throw ManifestError("manifest row " + std::to_string(row.row) + " has an empty report");
    s.split = split >= 0 && !f[split].empty() ? f[split] : splitForPatient(s.patientId);
    if (s.split != "train" && s.split != "val" && s.split != "test")
      throw ManifestError("manifest row " + std::to_string(row.row) + " has split '" + s.split +
                          "' (expected train, val or test)");
    s.hasFindings = findings >= 0;
    if (findings >= 0) s.findings = f[findings];
    auto [it, inserted] = patientSplit.emplace(s.patientId, s.split);
    if (!inserted && it->second != s.split)
      throw ManifestError("patient '" + s.patientId + "' is in both the " + it->second + " and the " + s.split +
                          " split: splits must be by patient");
    out.push_back(std::move(s));
  }
  if (out.empty()) {
    std::string why = table.issues.empty() ? "" : " (first problem: line " + std::to_string(table.issues[0].line) +
                                                      ": " + table.issues[0].message + ")";
    throw ManifestError("manifest '" + path + "' has no usable rows" + why);
  }
  return out;
}

std::vector<Study> selectSplit(const std::vector<Study>& studies, const std::string& split) {
  if (split != "all" && split != "train" && split != "val" && split != "test")
    throw ManifestError("split must be train, val, test or all, not '" + split + "'");
  std::vector<Study> out;
  for (const auto& s : studies)
    if (split == "all" || s.split == split) out.push_back(s);
  return out;
}

}  // namespace mcr::trainer
