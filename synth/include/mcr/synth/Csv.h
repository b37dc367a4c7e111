#pragma once
// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. Malformed
// input never throws: each problem is reported with the line it starts on and the record
// is skipped, so one bad row cannot stop a run.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mcr::synth {

struct CsvRecord {
  std::size_t line = 0;             // 1-based line where the record starts
  std::size_t row = 0;              // 1-based data row number (header excluded)
  std::vector<std::string> fields;
};

struct CsvIssue {
  std::size_t line = 0;
  std::size_t row = 0;              // 0 for the header
  std::string message;
};

struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRecord> rows;      // only well-formed records (header's field count)
  std::vector<CsvIssue> issues;
  // Index of a header column (exact, case-sensitive), -1 if absent.
  int column(std::string_view name) const;
};

CsvTable parseCsv(std::string_view text);
// Throws std::runtime_error when the file cannot be read.
CsvTable readCsvFile(const std::string& path);

// One field, quoted when it needs to be.
std::string csvField(std::string_view value);

}  // namespace mcr::synth
