// Plain-text normalisation of report text from any source (see ReportText.h):
//  1. De-identification tokens: a whitespace-separated chunk whose core (without its
//     surrounding brackets, quotes and sentence punctuation) contains "XXXX" loses the
//     '-'/'/'-separated parts that contain it, and single letters left beside them:
//     "XXXX-year-old" -> "year-old", "x-XXXX" -> "", "XXXX/XXXX" -> "", "dual-XXXX" ->
//     "dual". The surrounding punctuation stays and is tidied in step 3.
//  2. Whitespace: runs that contain a line break become one '\n' (paragraphs are kept),
//     other runs one space; control characters count as whitespace; lines are trimmed
//     and empty lines dropped.
//  3. Punctuation: no space before . , ; : ! ? ) ] or after ( [; empty () and [] go;
//     runs like ", ." or ".." become the strongest mark ('.' wins); a line does not
//     start with . , ; :; a missing space after a sentence end ("apex.There") or a comma
//     before a letter is added.
// Case is kept: the tokenizer lowercases, and display wants the original.
#include <string>
#include <vector>

#include "mcr/report/ReportText.h"

namespace mcr::report {

namespace {

bool isAsciiSpace(unsigned char c) { return c < 0x20 || c == ' ' || c == 0x7f; }
bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isLetter(char c) { return isLower(c) || isUpper(c); }
bool isOneOf(char c, const char* set) { return c != '\0' && std::string_view(set).find(c) != std::string_view::npos; }

constexpr const char* kOpening = "([{\"'";
constexpr const char* kTrailing = ".,;:!?)]}\"'";
constexpr const char* kSentenceMarks = ".,;:";

// Step 1 for one chunk.
std::string removeDeidentification(const std::string& chunk) {
  if (chunk.find("XXXX") == std::string::npos) return chunk;
  std::size_t begin = 0, end = chunk.size();
  while (begin < end && isOneOf(chunk[begin], kOpening)) ++begin;
  while (end > begin && isOneOf(chunk[end - 1], kTrailing)) --end;
  const std::string core = chunk.substr(begin, end - begin);
  if (core.find("XXXX") == std::string::npos) return chunk;

  struct Part {
    char separatorBefore;  // '\0' for the first
    std::string text;
    bool removed;
  };
  std::vector<Part> parts{{'\0', "", false}};
  for (const char c : core) {
    if (c == '-' || c == '/') parts.push_back({c, "", false});
    else parts.back().text.push_back(c);
  }
  for (auto& part : parts) part.removed = part.text.find("XXXX") != std::string::npos;
  // Single letters beside a removed part belonged to it ("x-XXXX", "XXXX-a-XXXX").
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool besideRemoved = (i > 0 && parts[i - 1].removed && parts[i - 1].text.find("XXXX") != std::string::npos) ||
                               (i + 1 < parts.size() && parts[i + 1].text.find("XXXX") != std::string::npos);
    if (parts[i].text.size() == 1 && isLetter(parts[i].text[0]) && besideRemoved) parts[i].removed = true;
  }
  std::string kept;
  for (const auto& part : parts) {
    if (part.removed || part.text.empty()) continue;
    if (!kept.empty()) kept.push_back(part.separatorBefore);
    kept += part.text;
  }
  return chunk.substr(0, begin) + kept + chunk.substr(end);
}

// Step 3 for one line whose words are separated by single spaces.
std::string tidyPunctuation(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const char next = i + 1 < line.size() ? line[i + 1] : '\0';
    if (c == ' ') {
      if (out.empty() || out.back() == ' ' || isOneOf(out.back(), "([") || isOneOf(next, ".,;:!?)]")) continue;
      out.push_back(' ');
    } else if (isOneOf(c, kSentenceMarks)) {
      if (out.empty()) continue;  // a line never starts with sentence punctuation
      if (isOneOf(out.back(), kSentenceMarks)) {
        if (c == '.') out.back() = '.';
        continue;
      }
      out.push_back(c);
    } else if ((c == ')' && !out.empty() && out.back() == '(') || (c == ']' && !out.empty() && out.back() == '[')) {
      out.pop_back();  // the empty brackets go, with the space before them
      if (!out.empty() && out.back() == ' ') out.pop_back();
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  // Missing spaces after a sentence end or a comma.
  std::string spaced;
  spaced.reserve(out.size() + 8);
  for (std::size_t i = 0; i < out.size(); ++i) {
    spaced.push_back(out[i]);
    const char before = i > 0 ? out[i - 1] : '\0';
    const char after = i + 1 < out.size() ? out[i + 1] : '\0';
    const char afterNext = i + 2 < out.size() ? out[i + 2] : '\0';
    if ((out[i] == '.' && isLower(before) && isUpper(after) && isLower(afterNext)) ||
        (out[i] == ',' && isLetter(before) && isLetter(after)))
      spaced.push_back(' ');
  }
  return spaced;
}

}  // namespace

std::string normaliseReportText(std::string_view text) {
  std::vector<std::string> lines{""};
  std::string chunk;
  bool lineBreakPending = false;
  auto flushChunk = [&] {
    if (chunk.empty()) return;
    std::string cleaned = removeDeidentification(chunk);
    chunk.clear();
    if (cleaned.empty()) return;
    if (lineBreakPending && !lines.back().empty()) lines.emplace_back();
    lineBreakPending = false;
    if (!lines.back().empty()) lines.back().push_back(' ');
    lines.back() += cleaned;
  };
  for (const char c : text) {
    if (isAsciiSpace(static_cast<unsigned char>(c))) {
      flushChunk();
      if (c == '\n' || c == '\r') lineBreakPending = true;
    } else {
      chunk.push_back(c);
    }
  }
  flushChunk();

  std::string result;
  for (const auto& line : lines) {
    std::string tidy = tidyPunctuation(line);
    if (tidy.empty()) continue;
    if (!result.empty()) result.push_back('\n');
    result += tidy;
  }
  return result;
}

}  // namespace mcr::report
