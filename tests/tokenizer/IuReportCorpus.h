#pragma once
// Reads the report texts of the shared IU chest X-ray table (indiana_reports.csv). Test
// and benchmark helper only: the table itself never enters the repository.
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcr/synth/Csv.h"

namespace mcr::tokenizer::testing {

// The IU table as the project's one CSV reader (mcr-synth's) parses it; nullopt when absent.
inline std::optional<synth::CsvTable> readIuTable(const std::string& csvPath) {
  if (!std::ifstream(csvPath)) return std::nullopt;
  auto table = synth::readCsvFile(csvPath);
  if (!table.issues.empty())
    throw std::runtime_error(csvPath + " line " + std::to_string(table.issues.front().line) + ": " +
                             table.issues.front().message);
  return table;
}

// "findings impression" of every report with either, in file order; nullopt when the
// file is absent.
inline std::optional<std::vector<std::string>> readIuReportTexts(const std::string& csvPath) {
  const auto table = readIuTable(csvPath);
  if (!table) return std::nullopt;
  const int findings = table->column("findings"), impression = table->column("impression");
  if (findings < 0 || impression < 0) throw std::runtime_error(csvPath + ": no 'findings' and 'impression' columns");
  std::vector<std::string> texts;
  for (const auto& record : table->rows) {
    std::string text = record.fields[static_cast<std::size_t>(findings)];
    const auto& more = record.fields[static_cast<std::size_t>(impression)];
    if (!more.empty()) text += (text.empty() ? "" : " ") + more;
    if (!text.empty()) texts.push_back(std::move(text));
  }
  return texts;
}

}  // namespace mcr::tokenizer::testing
