// Real SR files from python3-pydicom's test set -> narrative text.
//
// Two independent references:
//  1. The exact expected text of each file, written by hand from reading the file's
//     content tree as DCMTK's dsrdump prints it (`dsrdump -Ei +Pl <file>`), applying the
//     rules documented in core/report/src/SrTextExtractor.cpp.
//  2. At test time, dsrdump's own listing of the same file: every TEXT value and NUM
//     value+unit of a CONTAINS item must appear in our text, every named sub-container
//     as a heading, and TEXT values attached by other relationships must not.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "SrTestSupport.h"
#include "mcr/report/ReportText.h"

namespace mcr::report {
namespace {

using testing::findTestFile;
using testing::readBytes;

struct DumpFacts {
  std::vector<std::string> containsTexts, otherTexts, numbers, headings;
};

std::string unescapeDump(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size() && (value[i + 1] == 'r' || value[i + 1] == 'n')) {
      out.push_back(' ');
      ++i;
    } else {
      out.push_back(value[i]);
    }
  }
  return out;
}

// Runs dsrdump on the file (skipping invalid items as our reader does) and collects the
// narrative facts from its listing.
DumpFacts dsrdumpFacts(const std::string& path) {
  const std::string command = "dsrdump -q -Ei +Pl -Ph '" + path + "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run dsrdump");
  std::string listing;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe.get())) listing += buffer;
  if (listing.empty()) throw std::runtime_error("dsrdump printed nothing for " + path + " (is dcmtk installed?)");

  static const std::regex text(R"re(^\s*<(contains|[a-z ]+) TEXT:\([^)]*,"([^"]*)"\)="(.*)">)re");
  static const std::regex number(R"re(^\s*<contains NUM:\([^)]*\)="([^"]*)" \(([^,]*),)re");
  static const std::regex section(R"re(^\s{2,}<contains CONTAINER:\([^)]*,"([^"]*)"\)=)re");
  DumpFacts facts;
  std::size_t start = 0;
  while (start < listing.size()) {
    const std::size_t end = listing.find('\n', start);
    const std::string line = listing.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? listing.size() : end + 1;
    std::smatch match;
    if (std::regex_search(line, match, text)) {
      (match[1] == "contains" ? facts.containsTexts : facts.otherTexts).push_back(unescapeDump(match[3]));
    } else if (std::regex_search(line, match, number)) {
      facts.numbers.push_back(match[1].str() + " " + match[2].str());
    } else if (std::regex_search(line, match, section)) {
      std::string heading = match[1];
      for (char& c : heading) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      facts.headings.push_back(heading + ":");
    }
  }
  return facts;
}

std::string oneLine(const std::string& text) {
  std::string line = normaliseReportText(text);
  for (char& c : line)
    if (c == '\n') c = ' ';
  return line;
}

void expectMatchesDsrdump(const std::string& path, const std::string& extracted) {
  const DumpFacts facts = dsrdumpFacts(path);
  EXPECT_FALSE(facts.containsTexts.empty()) << path;
  for (const auto& value : facts.containsTexts)
    EXPECT_NE(extracted.find(oneLine(value)), std::string::npos) << "TEXT '" << value << "' missing from:\n" << extracted;
  for (const auto& value : facts.numbers)
    EXPECT_NE(extracted.find(value), std::string::npos) << "NUM '" << value << "' missing from:\n" << extracted;
  for (const auto& heading : facts.headings)
    EXPECT_NE(extracted.find(heading), std::string::npos) << "heading '" << heading << "' missing from:\n" << extracted;
  for (const auto& value : facts.otherTexts) {
    const std::string line = oneLine(value);
    bool alsoNarrative = false;
    for (const auto& narrative : facts.containsTexts) alsoNarrative |= oneLine(narrative) == line;
    if (!alsoNarrative) {
      EXPECT_EQ(extracted.find(line), std::string::npos) << "non-narrative TEXT '" << value << "' leaked into:\n" << extracted;
    }
  }
}

struct SrFileCase {
  const char* name;
  const char* expected;
};

class RealSrFiles : public ::testing::TestWithParam<SrFileCase> {};

TEST_P(RealSrFiles, GiveTheirNarrativeFromFileAndBuffer) {
  const std::string path = findTestFile("pydicom", GetParam().name);
  ASSERT_FALSE(path.empty()) << GetParam().name << " not found: install python3-pydicom or run scripts/fetch-test-data.sh";
  const std::string fromFile = extractSrTextFile(path);
  EXPECT_EQ(fromFile, GetParam().expected);
  const std::string bytes = readBytes(path);
  EXPECT_EQ(extractSrText(bytes.data(), bytes.size()), fromFile);
  expectMatchesDsrdump(path, fromFile);
}

INSTANTIATE_TEST_SUITE_P(
    Pydicom, RealSrFiles,
    ::testing::Values(
        // Comprehensive SR by OFFIS: an unnamed CONTINUOUS container "A mass of" NUM 3 cm
        // "was detected.", a nested SEPARATE container with the same items (so NUM is a
        // statement of its own), then a root-level TEXT named "Code" whose value holds
        // CR/LF line breaks. The INFERRED FROM text and the concept-modifier text on the
        // IMAGE item are not narrative.
        SrFileCase{"test-SR.dcm",
                   "A mass of 3 cm was detected.\n"
                   "A mass of Diameter: 3 cm. was detected.\n"
                   "CODE: Sample Text A B C"},
        // Basic Text SR (IHE simple image report template): one "Section Heading"
        // container with TEXT "Enter text"; its IMAGE references have an invalid SOP
        // class (dsrdump without -Ei rejects the file) and are skipped; the observer
        // organisation TEXT is observation context.
        SrFileCase{"reportsi.dcm", "SECTION HEADING: Enter text"},
        SrFileCase{"reportsi_with_empty_number_tags.dcm", "SECTION HEADING: Enter text"}),
    [](const auto& info) {
      std::string name = info.param.name;
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

}  // namespace
}  // namespace mcr::report
