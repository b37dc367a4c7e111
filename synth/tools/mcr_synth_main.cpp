// mcr-synth: synthetic chest X-ray studies (phantom PA radiograph + report) from report
// findings. Everything it makes is synthetic and must be described as such.
//
//   mcr-synth --reports REPORTS.csv [--projections PROJECTIONS.csv] --out DIR [--seed N] [--limit N] [--format dicom|png]
//   mcr-synth --grammar COUNT --out DIR [--seed N] [--format dicom|png]
//   mcr-synth --sample-set --out DIR [--size 256]           (the documentation samples, PNG)
#include <CLI/CLI.hpp>
#include <cstdint>
#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>
#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mcr/synth/Csv.h"
#include "mcr/synth/Synthesizer.h"

using namespace mcr::synth;

namespace {

std::vector<TransferSyntax> parseMix(const std::string& text) {
  std::vector<TransferSyntax> out;
  if (text == "mix") return {TransferSyntax::ExplicitLittleEndian, TransferSyntax::JpegLossless, TransferSyntax::JpegLs,
                             TransferSyntax::Rle};
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(parseTransferSyntax(item));
  return out;
}

void printSummary(const SynthSummary& s, std::size_t maxTerms) {
  fmt::print("studies: {} written, {} failed, {:.1f} s ({:.1f} studies/s)\n", s.studies - s.failed, s.failed, s.seconds,
             s.seconds > 0 ? static_cast<double>(s.studies) / s.seconds : 0.0);
  fmt::print("coverage: {:.1f}% ({} of {} reports had every finding rendered)\n", 100.0 * s.coverage(), s.fullyRendered,
             s.studies);
  std::vector<std::pair<std::string, std::size_t>> terms(s.unknownTerms.begin(), s.unknownTerms.end());
  std::sort(terms.begin(), terms.end(), [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  if (!terms.empty()) fmt::print("unknown terms ({} distinct), by reports:\n", terms.size());
  for (std::size_t i = 0; i < terms.size() && i < maxTerms; ++i) fmt::print("  {:5}  {}\n", terms[i].second, terms[i].first);
  if (terms.size() > maxTerms) fmt::print("  ... {} more (see --unknown-limit)\n", terms.size() - maxTerms);
  for (const auto& [name, count] : s.unrendered) fmt::print("  {:5}  {} (known name, site not drawn)\n", count, name);
  for (const auto& e : s.errors) fmt::print(stderr, "error: {}\n", e);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mcr-synth: synthetic chest X-ray studies (phantom PA radiograph + report). All output is synthetic."};
  std::string reports, projections, out, format = "dicom", transfer = "explicit";
  std::size_t grammar = 0, limit = 0, unknownLimit = 40;
  std::uint64_t seed = 1;
  int size = 512;
  unsigned threads = 0;
  double monochrome1 = 0.0;
  bool sampleSet = false;
  auto* reportsOpt = app.add_option("--reports", reports, "IU reports CSV (uid, MeSH, findings, impression)")->check(CLI::ExistingFile);
  app.add_option("--projections", projections, "IU projections CSV (uid, filename, projection)")->check(CLI::ExistingFile)->needs(reportsOpt);
  auto* grammarOpt = app.add_option("--grammar", grammar, "number of studies from the report grammar")->check(CLI::Range(1, 10000000));
  auto* sampleOpt = app.add_flag("--sample-set", sampleSet, "the five documentation samples (normal, cardiomegaly, right effusion, left pneumothorax, pacemaker)");
  reportsOpt->excludes(grammarOpt)->excludes(sampleOpt);
  grammarOpt->excludes(sampleOpt);
  app.add_option("--out", out, "output folder (manifest.csv, dicom/ or images/ + reports/)")->required();
  app.add_option("--seed", seed, "seed: same inputs, seed and options give the same pixels");
  app.add_option("--limit", limit, "at most this many reports from the CSV");
  app.add_option("--format", format, "dicom (CR + Basic Text SR) or png (PNG + .txt)")->check(CLI::IsMember({"dicom", "png"}));
  app.add_option("--size", size, "image size in pixels (square)")->check(CLI::Range(64, 4096));
  app.add_option("--transfer-syntax", transfer,
                 "DICOM transfer syntax(es), comma-separated, chosen per study: explicit, jpeg-lossless, jpeg-ls, rle, or 'mix' for all four");
  app.add_option("--monochrome1", monochrome1, "share of images written as MONOCHROME1 (0..1)")->check(CLI::Range(0.0, 1.0));
  app.add_option("--threads", threads, "worker threads (default: all cores)");
  app.add_option("--unknown-limit", unknownLimit, "how many unknown terms to list");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints help or the error
    return rc == 0 ? 0 : 2;
  }
  // DCMTK's codecs log per-image notes at INFO level; warnings and errors still show.
  OFLog::configure(OFLogger::WARN_LOG_LEVEL);

  try {
    SynthOptions options;
    options.outDir = out;
    options.format = format == "png" ? OutputFormat::Png : OutputFormat::Dicom;
    options.seed = seed;
    options.size = size;
    options.threads = threads;
    options.transferSyntaxes = parseMix(transfer);
    options.monochrome1Share = monochrome1;

    std::vector<StudySpec> studies;
    if (!reports.empty()) {
      const CsvTable table = readCsvFile(reports);
      CsvTable projectionTable;
      if (!projections.empty()) projectionTable = readCsvFile(projections);
      CsvSource source = studiesFromCsv(table, projections.empty() ? nullptr : &projectionTable, limit);
      studies = std::move(source.studies);
      std::size_t malformed = 0, empty = 0;
      for (const auto& p : source.problems) {
        if (p.message.find("unknown MeSH term") != std::string::npos) continue;  // summarised below
        (p.message.find("empty findings") != std::string::npos ? empty : malformed)++;
        fmt::print(stderr, "{}: row {} (line {}): {}\n", reports, p.row, p.line, p.message);
      }
      fmt::print("input: {} rows read, {} studies, {} empty-text rows skipped, {} malformed rows\n", source.rowsRead,
                 studies.size(), empty, malformed);
      // Every unknown term with its rows goes to a file; the console gets counts.
      std::filesystem::create_directories(out);
      std::ofstream problems(out + "/input_problems.csv");
      if (problems) {
        problems << "row,line,message\n";
        for (const auto& p : source.problems) problems << p.row << ',' << p.line << ',' << csvField(p.message) << '\n';
      }
    } else if (grammar > 0) {
      studies = studiesFromGrammar(grammar, seed);
    } else if (sampleSet) {
      studies = sampleSetStudies(seed);
    } else {
      fmt::print(stderr, "one of --reports, --grammar or --sample-set is required\n{}", app.help());
      return 2;
    }
    const SynthSummary summary = synthesize(studies, options);
    printSummary(summary, unknownLimit);
    fmt::print("manifest: {}/manifest.csv\n", out);
    return summary.failed ? 1 : 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "mcr-synth: {}\n", e.what());
    return 2;
  }
}
