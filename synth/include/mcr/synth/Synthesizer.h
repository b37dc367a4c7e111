#pragma once
// End to end: report sources (the shared CSV or the grammar) -> studies rendered on a
// thread pool -> files + DIR/manifest.csv, with coverage and input problems reported.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcr/synth/Csv.h"
#include "mcr/synth/Findings.h"
#include "mcr/synth/StudyWriter.h"

namespace mcr::synth {

// One study to synthesise.
struct StudySpec {
  std::string studyId;      // unique, file-name safe
  std::string patientId;
  std::string findingsText;
  std::string impressionText;
  FindingSet findings;                    // canonical
  std::vector<std::string> unknownTerms;  // source terms with no canonical name
  std::string source;                     // "iu-csv" or "grammar"
  std::size_t sourceRow = 0;              // CSV data row (1-based), 0 for the grammar
  std::string sourceImages;               // projection file names from PROJECTIONS.csv (';')
  std::string reportText() const;         // "FINDINGS: ...\nIMPRESSION: ..."
};

struct InputProblem {
  std::size_t row = 0;   // CSV data row, 1-based (0: the file as a whole)
  std::size_t line = 0;  // line where the record starts
  std::string message;
};

struct CsvSource {
  std::vector<StudySpec> studies;
  std::vector<InputProblem> problems;  // malformed rows, empty text, unknown terms
  std::size_t rowsRead = 0;
};

// Reads the IU report table (columns uid, MeSH, findings, impression); projections are
// optional (uid, filename, projection). Throws std::runtime_error when the files cannot
// be read or lack a required column; bad rows become problems.
CsvSource studiesFromCsv(const CsvTable& reports, const CsvTable* projections, std::size_t limit);
// `count` grammar studies; patients have 1-3 studies each.
std::vector<StudySpec> studiesFromGrammar(std::size_t count, std::uint64_t seed);
// The five documentation samples: normal, cardiomegaly, right effusion, left pneumothorax, pacemaker.
std::vector<StudySpec> sampleSetStudies(std::uint64_t seed);

// Deterministic split by patient: FNV-1a of the id, 80/10/10 -> train/val/test.
std::string splitForPatient(const std::string& patientId);

enum class OutputFormat { Dicom, Png };

struct SynthOptions {
  std::string outDir;
  OutputFormat format = OutputFormat::Dicom;
  std::uint64_t seed = 1;
  int size = 512;
  unsigned threads = 0;                             // 0 = hardware concurrency
  std::vector<TransferSyntax> transferSyntaxes{TransferSyntax::ExplicitLittleEndian};  // chosen per study from the seed
  double monochrome1Share = 0.0;                    // share of images written MONOCHROME1
  std::string studyDate = "20260101";               // first study date; later studies count on
};

struct SynthSummary {
  std::size_t studies = 0;
  std::size_t fullyRendered = 0;  // every finding drawn, no unknown term
  std::size_t failed = 0;         // studies that could not be written
  std::map<std::string, std::size_t> unknownTerms;   // source term -> reports
  std::map<std::string, std::size_t> unrendered;     // canonical finding -> reports
  std::vector<std::string> errors;                   // write failures
  double seconds = 0;
  double coverage() const { return studies ? static_cast<double>(fullyRendered) / static_cast<double>(studies) : 1.0; }
};

// Renders and writes every study and DIR/manifest.csv. Throws std::runtime_error when the
// output folder cannot be created; per-study failures are counted and listed.
SynthSummary synthesize(const std::vector<StudySpec>& studies, const SynthOptions& options);

// The manifest's header, in column order.
const std::vector<std::string>& manifestColumns();

}  // namespace mcr::synth
