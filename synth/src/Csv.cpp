#include "mcr/synth/Csv.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mcr::synth {

int CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

CsvTable parseCsv(std::string_view text) {
  CsvTable table;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  std::size_t pos = 0, line = 1, dataRow = 0;
  bool haveHeader = false;
  while (pos < text.size()) {
    const std::size_t recordLine = line;
    std::vector<std::string> fields;
    std::string field;
    bool inQuotes = false, fieldWasQuoted = false, recordDone = false, stray = false;
    while (pos < text.size() && !recordDone) {
      const char c = text[pos];
      if (inQuotes) {
        if (c == '"') {
          if (pos + 1 < text.size() && text[pos + 1] == '"') {
            field.push_back('"');
            pos += 2;
            continue;
          }
          inQuotes = false;
          ++pos;
          continue;
        }
        if (c == '\n') ++line;
        field.push_back(c);
        ++pos;
        continue;
      }
      if (c == '"') {
        if (field.empty() && !fieldWasQuoted) {
          inQuotes = fieldWasQuoted = true;
        } else {
          stray = true;  // quote inside an unquoted field or after a closing quote
          field.push_back(c);
        }
        ++pos;
      } else if (c == ',') {
        fields.push_back(std::move(field));
        field.clear();
        fieldWasQuoted = false;
        ++pos;
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
        ++pos;
        ++line;
        recordDone = true;
      } else {
        if (fieldWasQuoted) stray = true;  // text after a closing quote
        field.push_back(c);
        ++pos;
      }
    }
    if (inQuotes) {
      table.issues.push_back({recordLine, haveHeader ? dataRow + 1 : 0,
                              "unterminated quoted field (runs to the end of the file)"});
      break;
    }
    fields.push_back(std::move(field));
    if (fields.size() == 1 && fields[0].empty() && !fieldWasQuoted) continue;  // blank line
    if (!haveHeader) {
      table.header = std::move(fields);
      haveHeader = true;
      if (stray) table.issues.push_back({recordLine, 0, "stray quote character in the header"});
      continue;
    }
    ++dataRow;
    if (fields.size() != table.header.size()) {
      table.issues.push_back({recordLine, dataRow,
                              "expected " + std::to_string(table.header.size()) + " fields, found " +
                                  std::to_string(fields.size()) + "; row skipped"});
      continue;
    }
    if (stray) table.issues.push_back({recordLine, dataRow, "stray quote character; field kept as written"});
    table.rows.push_back({recordLine, dataRow, std::move(fields)});
  }
  return table;
}

CsvTable readCsvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open CSV file '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read CSV file '" + path + "'");
  return parseCsv(buffer.str());
}

std::string csvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace mcr::synth
