#include "mcr/synth/Synthesizer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "mcr/synth/Phantom.h"
#include "mcr/synth/ReportGrammar.h"

namespace fs = std::filesystem;

namespace mcr::synth {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool fileNameSafe(const std::string& s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

// YYYYMMDD of `first` plus `days`.
std::string addDays(const std::string& first, std::size_t days) {
  int y = std::stoi(first.substr(0, 4)), m = std::stoi(first.substr(4, 2)), d = std::stoi(first.substr(6, 2));
  static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (std::size_t i = 0; i < days % 3650; ++i) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int len = lengths[m - 1] + (m == 2 && leap ? 1 : 0);
    if (++d > len) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
  return buf;
}

struct StudyResult {
  std::string imagePath, reportPath, transferSyntax, photometric, error;
  FindingSet rendered, unrendered;
  bool ok = false;
};

}  // namespace

std::string StudySpec::reportText() const { return "FINDINGS: " + findingsText + "\nIMPRESSION: " + impressionText; }

std::string splitForPatient(const std::string& patientId) {
  const auto bucket = stableHash(patientId) % 100;
  return bucket < 80 ? "train" : (bucket < 90 ? "val" : "test");
}

CsvSource studiesFromCsv(const CsvTable& reports, const CsvTable* projections, std::size_t limit) {
  CsvSource out;
  const int uidCol = reports.column("uid"), meshCol = reports.column("MeSH");
  const int findingsCol = reports.column("findings"), impressionCol = reports.column("impression");
  if (uidCol < 0 || meshCol < 0 || findingsCol < 0 || impressionCol < 0)
    throw std::runtime_error("reports CSV needs the columns uid, MeSH, findings and impression");
  for (const auto& issue : reports.issues) out.problems.push_back({issue.row, issue.line, issue.message});
  std::map<std::string, std::string> images;
  if (projections) {
    const int pu = projections->column("uid"), pf = projections->column("filename"), pp = projections->column("projection");
    if (pu < 0 || pf < 0 || pp < 0) throw std::runtime_error("projections CSV needs the columns uid, filename and projection");
    for (const auto& row : projections->rows) {
      if (row.fields[static_cast<std::size_t>(pp)] != "Frontal") continue;
      auto& list = images[row.fields[static_cast<std::size_t>(pu)]];
      if (!list.empty()) list += ';';
      list += row.fields[static_cast<std::size_t>(pf)];
    }
  }
  std::map<std::string, std::size_t> seen;
  for (const auto& row : reports.rows) {
    if (limit && out.studies.size() >= limit) break;
    ++out.rowsRead;
    const std::string uid = trim(row.fields[static_cast<std::size_t>(uidCol)]);
    auto problem = [&](const std::string& message) { out.problems.push_back({row.row, row.line, message}); };
    if (!fileNameSafe(uid)) {
      problem("uid '" + uid + "' is empty or not a plain identifier; row skipped");
      continue;
    }
    if (seen.count(uid)) {
      problem("uid " + uid + " repeats row " + std::to_string(seen[uid]) + "; row skipped");
      continue;
    }
    seen[uid] = row.row;
    StudySpec s;
    s.studyId = "iu-" + uid;
    s.patientId = "SYN-IU-" + uid;
    s.findingsText = trim(row.fields[static_cast<std::size_t>(findingsCol)]);
    s.impressionText = trim(row.fields[static_cast<std::size_t>(impressionCol)]);
    if (s.findingsText.empty() && s.impressionText.empty()) {
      problem("uid " + uid + ": empty findings and impression text; row skipped");
      continue;
    }
    const MeshMapping mapping = mapMeshField(row.fields[static_cast<std::size_t>(meshCol)]);
    s.findings = mapping.findings;
    s.unknownTerms = mapping.unknownTerms;
    for (const auto& term : mapping.unknownTerms) problem("uid " + uid + ": unknown MeSH term '" + term + "' (not drawn)");
    s.source = "iu-csv";
    s.sourceRow = row.row;
    if (auto it = images.find(uid); it != images.end()) s.sourceImages = it->second;
    out.studies.push_back(std::move(s));
  }
  return out;
}

std::vector<StudySpec> studiesFromGrammar(std::size_t count, std::uint64_t seed) {
  std::vector<StudySpec> out;
  Rng patients(mixSeed(seed, 0x9A7E27ULL));
  std::size_t patient = 0, left = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (left == 0) {
      ++patient;
      left = static_cast<std::size_t>(patients.weighted({0.75, 0.18, 0.07})) + 1;
    }
    --left;
    char id[32], pid[32];
    std::snprintf(id, sizeof id, "g-%07zu", i + 1);
    std::snprintf(pid, sizeof pid, "SYN-G-%06zu", patient);
    Rng r(mixSeed(seed, stableHash(id)));
    const SyntheticReport report = generateReport(r);
    StudySpec s;
    s.studyId = id;
    s.patientId = pid;
    s.findingsText = report.findingsText;
    s.impressionText = report.impressionText;
    s.findings = report.findings;
    s.source = "grammar";
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<StudySpec> sampleSetStudies(std::uint64_t seed) {
  const std::vector<std::pair<std::string, std::string>> samples = {
      {"normal", ""},
      {"cardiomegaly", "cardiomegaly/moderate"},
      {"right-effusion", "pleural effusion/right/moderate"},
      {"left-pneumothorax", "pneumothorax/left/large"},
      {"pacemaker", "pacemaker/left"},
  };
  std::vector<StudySpec> out;
  for (const auto& [name, findings] : samples) {
    Rng r(mixSeed(seed, stableHash(name)));
    const SyntheticReport report = describeFindings(parseFindingList(findings), r);
    StudySpec s;
    s.studyId = "sample-" + name;
    s.patientId = "SYN-SAMPLE-" + name;
    s.findingsText = report.findingsText;
    s.impressionText = report.impressionText;
    s.findings = report.findings;
    s.source = "grammar";
    out.push_back(std::move(s));
  }
  return out;
}

const std::vector<std::string>& manifestColumns() {
  static const std::vector<std::string> columns = {
      "study_id", "patient_id", "split", "image_path", "report_path", "report_text", "findings", "unrendered",
      "source", "source_row", "source_images", "transfer_syntax", "photometric"};
  return columns;
}

SynthSummary synthesize(const std::vector<StudySpec>& studies, const SynthOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const bool dicom = options.format == OutputFormat::Dicom;
  const fs::path root(options.outDir);
  std::error_code ec;
  for (const char* sub : dicom ? std::vector<const char*>{"dicom"} : std::vector<const char*>{"images", "reports"}) {
    fs::create_directories(root / sub, ec);
    if (ec) throw std::runtime_error("cannot create '" + (root / sub).string() + "': " + ec.message());
  }
  if (options.transferSyntaxes.empty()) throw std::invalid_argument("no transfer syntax given");
  if (dicom) registerDicomEncoders();

  std::vector<StudyResult> results(studies.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < studies.size(); i = next++) {
      const StudySpec& s = studies[i];
      StudyResult& res = results[i];
      try {
        const std::uint64_t patientSeed = mixSeed(options.seed, stableHash(s.patientId));
        const std::uint64_t studySeed = mixSeed(options.seed, stableHash(s.studyId));
        const Phantom phantom = renderPhantom(s.findings, patientSeed, studySeed, {options.size});
        res.rendered = phantom.rendered;
        res.unrendered = phantom.unrendered;
        if (dicom) {
          Rng choice(mixSeed(studySeed, 0xD1C0ULL));
          const TransferSyntax ts = options.transferSyntaxes[static_cast<std::size_t>(
              choice.uniformInt(0, static_cast<int>(options.transferSyntaxes.size()) - 1))];
          const bool mono1 = choice.chance(options.monochrome1Share);
          StudyIdentity id;
          id.patientId = s.patientId;
          id.patientName = "SYNTHETIC^" + s.patientId;
          id.patientSex = phantom.anatomy.female ? "F" : "M";
          id.studyId = s.studyId.substr(0, 16);
          id.accession = std::to_string(stableHash(s.studyId) % 100000000ULL);
          id.studyDate = addDays(options.studyDate, i);
          id.studyTime = "090000";
          assignNewUids(id);
          const fs::path dir = root / "dicom" / s.studyId;
          fs::create_directories(dir);
          res.imagePath = "dicom/" + s.studyId + "/image.dcm";
          res.reportPath = "dicom/" + s.studyId + "/report.dcm";
          writeImageDicom((root / res.imagePath).string(), phantom, id, ts, mono1);
          writeReportDicom((root / res.reportPath).string(), s.findingsText, s.impressionText, id);
          res.transferSyntax = toString(ts);
          res.photometric = mono1 ? "MONOCHROME1" : "MONOCHROME2";
        } else {
          res.imagePath = "images/" + s.studyId + ".png";
          res.reportPath = "reports/" + s.studyId + ".txt";
          writeImagePng((root / res.imagePath).string(), phantom);
          writeTextFile((root / res.reportPath).string(), s.reportText());
          res.transferSyntax = "png";
          res.photometric = "MONOCHROME2";
        }
        res.ok = true;
      } catch (const std::exception& e) {
        res.error = s.studyId + ": " + e.what();
      }
    }
  };
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, studies.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();

  SynthSummary summary;
  summary.studies = studies.size();
  const fs::path manifestPath = root / "manifest.csv";
  std::ofstream manifest(manifestPath, std::ios::binary);
  if (!manifest) throw std::runtime_error("cannot write '" + manifestPath.string() + "'");
  const auto& cols = manifestColumns();
  for (std::size_t c = 0; c < cols.size(); ++c) manifest << (c ? "," : "") << cols[c];
  manifest << '\n';
  for (std::size_t i = 0; i < studies.size(); ++i) {
    const StudySpec& s = studies[i];
    const StudyResult& res = results[i];
    if (!res.ok) {
      ++summary.failed;
      summary.errors.push_back(res.error);
      continue;
    }
    for (const auto& term : s.unknownTerms) ++summary.unknownTerms[term];
    for (const auto& f : res.unrendered) ++summary.unrendered[f.name];
    if (s.unknownTerms.empty() && res.unrendered.empty()) ++summary.fullyRendered;
    std::string unrendered = joinFindings(res.unrendered);
    for (const auto& term : s.unknownTerms) unrendered += (unrendered.empty() ? "" : ";") + term;
    const std::vector<std::string> fields = {s.studyId, s.patientId, splitForPatient(s.patientId), res.imagePath,
                                             res.reportPath, s.reportText(), joinFindings(res.rendered), unrendered,
                                             s.source, s.sourceRow ? std::to_string(s.sourceRow) : "", s.sourceImages,
                                             res.transferSyntax, res.photometric};
    for (std::size_t c = 0; c < fields.size(); ++c) manifest << (c ? "," : "") << csvField(fields[c]);
    manifest << '\n';
  }
  manifest.flush();
  if (!manifest) throw std::runtime_error("cannot write '" + manifestPath.string() + "'");
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace mcr::synth
