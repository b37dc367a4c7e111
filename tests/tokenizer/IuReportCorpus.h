#pragma once
// Reads the report texts of the shared IU chest X-ray table (indiana_reports.csv,
// RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes). Test and
// benchmark helper only: the table itself never enters the repository.
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace mcr::tokenizer::testing {

// All records of a CSV text, each a vector of fields. Throws on an unterminated quote.
inline std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, fieldStarted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && field.empty()) {
      quoted = fieldStarted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      fieldStarted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(std::move(field));
      field.clear();
      fieldStarted = false;
      records.push_back(std::move(record));
      record.clear();
    } else {
      field.push_back(c);
      fieldStarted = true;
    }
  }
  if (quoted) throw std::runtime_error("CSV ends inside a quoted field");
  if (fieldStarted || !field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

// "findings impression" of every report with either, in file order; nullopt when the
// file is absent.
inline std::optional<std::vector<std::string>> readIuReportTexts(const std::string& csvPath) {
  std::ifstream in(csvPath, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto records = parseCsv(buffer.str());
  if (records.empty()) throw std::runtime_error(csvPath + ": empty CSV");
  const auto& header = records.front();
  std::size_t findings = header.size(), impression = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "findings") findings = i;
    if (header[i] == "impression") impression = i;
  }
  if (findings == header.size() || impression == header.size())
    throw std::runtime_error(csvPath + ": no 'findings' and 'impression' columns");
  std::vector<std::string> texts;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& record = records[r];
    if (record.size() != header.size())
      throw std::runtime_error(csvPath + ": record " + std::to_string(r) + " has " + std::to_string(record.size()) +
                               " fields, the header " + std::to_string(header.size()));
    std::string text = record[findings];
    if (!record[impression].empty()) text += (text.empty() ? "" : " ") + record[impression];
    if (!text.empty()) texts.push_back(std::move(text));
  }
  return texts;
}

}  // namespace mcr::tokenizer::testing
