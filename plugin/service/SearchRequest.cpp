#include "SearchRequest.h"

#include <algorithm>

#include <boost/json.hpp>

#include "HttpError.h"
#include "mcr/report/Utf8.h"

namespace mcr::plugin {

const char* toString(Target target) {
  switch (target) {
    case Target::Images: return "images";
    case Target::Reports: return "reports";
    case Target::Studies: return "studies";
  }
  return "?";
}

namespace {

namespace json = boost::json;

std::string trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

// Code points of a field; throws on invalid UTF-8 (Boost.JSON already validates strings of
// JSON bodies, query strings come straight from the client).
std::size_t utf8Length(std::string_view s, const char* field) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const std::size_t length = report::utf8CharLength(s, i);
    if (length == 0) throw badRequest(std::string("field '") + field + "' is not valid UTF-8");
    i += length;
  }
  return count;
}

Target parseTarget(std::string_view value) {
  if (value == "images") return Target::Images;
  if (value == "reports") return Target::Reports;
  if (value == "studies") return Target::Studies;
  throw badRequest("field 'target' must be one of \"images\", \"reports\", \"studies\"");
}

std::size_t checkRange(long long value, const char* field, long long max) {
  if (value < 1 || value > max)
    throw badRequest(std::string("field '") + field + "' must be an integer in [1, " + std::to_string(max) + "]");
  return static_cast<std::size_t>(value);
}

std::size_t parseCount(const json::value& v, const char* field, long long max) {
  if (v.is_int64()) return checkRange(v.get_int64(), field, max);
  if (v.is_uint64()) return checkRange(v.get_uint64() > static_cast<std::uint64_t>(max) ? max + 1 : static_cast<long long>(v.get_uint64()), field, max);
  throw badRequest(std::string("field '") + field + "' must be an integer in [1, " + std::to_string(max) + "]");
}

std::size_t parseCountText(const std::string& v, const char* field, long long max) {
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    throw badRequest(std::string("argument '") + field + "' must be an integer in [1, " + std::to_string(max) + "]");
  return checkRange(std::stoll(v), field, max);
}

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::string parseDate(std::string_view value, const char* field) {
  bool digits = value.size() == 8;
  for (char c : value) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    int y = std::stoi(std::string(value.substr(0, 4)));
    int m = std::stoi(std::string(value.substr(4, 2)));
    int d = std::stoi(std::string(value.substr(6, 2)));
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && isLeap(y) ? 1 : 0))
      return std::string(value);
  }
  throw badRequest(std::string("field '") + field + "' must be a date YYYYMMDD");
}

std::string parseModality(std::string_view value) {
  bool ok = !value.empty() && value.size() <= 16;
  for (char c : value) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ' ');
  if (!ok) throw badRequest("field 'modality' must be a DICOM modality code (1..16 of A-Z, 0-9, '_', ' ')");
  return std::string(value);
}

std::string expectString(const json::value& v, const char* field) {
  if (!v.is_string()) throw badRequest(std::string("field '") + field + "' must be a string");
  return std::string(v.get_string().data(), v.get_string().size());
}

// A client-supplied name echoed in a message: printable ASCII only, at most 64 chars.
std::string printable(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (name.size() > 64) out += "...";
  return out;
}

void finish(SearchRequest& request) {
  if (request.studyDateFrom && request.studyDateTo && *request.studyDateFrom > *request.studyDateTo)
    throw badRequest("'studyDateFrom' is after 'studyDateTo'");
  if (request.excludeQueryPatient && (request.kind == QueryKind::Text || request.kind == QueryKind::Upload))
    throw badRequest("'excludeQueryPatient' needs a stored 'instance' or 'study' query");
  if (request.ef < request.k) request.ef = request.k;
}

}  // namespace

void validateOrthancId(std::string_view id, const char* what) {
  bool ok = !id.empty() && id.size() <= 64;
  for (char c : id) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-');
  if (!ok) throw badRequest(std::string("'") + what + "' must be an Orthanc id (hex digits and '-')");
}

namespace {

SearchRequest parseObject(std::string_view body, const SearchDefaults& defaults, bool upload) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 16;
  json::value parsed = json::parse(json::string_view(body.data(), body.size()), ec, {}, options);
  if (ec) throw badRequest("malformed JSON: " + ec.message());
  if (!parsed.is_object()) throw badRequest("the body must be a JSON object");

  SearchRequest request;
  request.k = defaults.k;
  request.ef = defaults.ef;
  int queries = 0;
  for (const auto& [key, value] : parsed.get_object()) {
    if (upload && (key == "text" || key == "instance" || key == "study" || key == "excludeQueryPatient")) {
      throw badRequest("field '" + std::string(key) + "' is not allowed with an uploaded file");
    } else if (key == "text") {
      request.kind = QueryKind::Text;
      request.text = trim(expectString(value, "text"));
      if (request.text.empty()) throw badRequest("field 'text' is empty");
      if (utf8Length(request.text, "text") > kMaxTextChars)
        throw badRequest("field 'text' is longer than " + std::to_string(kMaxTextChars) + " characters");
      ++queries;
    } else if (key == "instance" || key == "study") {
      request.kind = key == "instance" ? QueryKind::Instance : QueryKind::Study;
      request.id = expectString(value, key == "instance" ? "instance" : "study");
      validateOrthancId(request.id, key == "instance" ? "instance" : "study");
      ++queries;
    } else if (key == "target") {
      request.target = parseTarget(expectString(value, "target"));
    } else if (key == "k") {
      request.k = parseCount(value, "k", kMaxK);
    } else if (key == "ef") {
      request.ef = parseCount(value, "ef", kMaxEf);
    } else if (key == "modality") {
      request.modality = parseModality(expectString(value, "modality"));
    } else if (key == "studyDateFrom") {
      request.studyDateFrom = parseDate(expectString(value, "studyDateFrom"), "studyDateFrom");
    } else if (key == "studyDateTo") {
      request.studyDateTo = parseDate(expectString(value, "studyDateTo"), "studyDateTo");
    } else if (key == "excludeQueryPatient") {
      if (!value.is_bool()) throw badRequest("field 'excludeQueryPatient' must be true or false");
      request.excludeQueryPatient = value.get_bool();
    } else {
      throw badRequest("unknown field '" + printable(std::string_view(key.data(), key.size())) + "'");
    }
  }
  if (upload) request.kind = QueryKind::Upload;
  else if (queries != 1) throw badRequest("exactly one of 'text', 'instance' or 'study' is required");
  finish(request);
  return request;
}

}  // namespace

SearchRequest parseSearchRequest(std::string_view body, const SearchDefaults& defaults) {
  if (body.empty()) throw badRequest("empty body: expected a JSON object with 'text', 'instance' or 'study'");
  return parseObject(body, defaults, false);
}

SearchRequest parseUploadOptions(std::string_view headerJson, const SearchDefaults& defaults) {
  if (headerJson.find_first_not_of(" \t") == std::string_view::npos) {
    SearchRequest request;
    request.kind = QueryKind::Upload;
    request.k = defaults.k;
    request.ef = std::max(defaults.ef, defaults.k);
    return request;
  }
  return parseObject(headerJson, defaults, true);
}

SearchRequest parseSearchArguments(const QueryArguments& arguments, QueryKind kind,
                                   const SearchDefaults& defaults) {
  SearchRequest request;
  request.kind = kind;
  request.k = defaults.k;
  request.ef = defaults.ef;
  for (const auto& [key, value] : arguments) {
    utf8Length(value, "argument");
    if (key == "target" && kind == QueryKind::Upload) {
      request.target = parseTarget(value);
    } else if (key == "k") {
      request.k = parseCountText(value, "k", kMaxK);
    } else if (key == "ef") {
      request.ef = parseCountText(value, "ef", kMaxEf);
    } else if (key == "modality") {
      request.modality = parseModality(value);
    } else if (key == "studyDateFrom") {
      request.studyDateFrom = parseDate(value, "studyDateFrom");
    } else if (key == "studyDateTo") {
      request.studyDateTo = parseDate(value, "studyDateTo");
    } else if (key == "excludeQueryPatient" && kind == QueryKind::Study) {
      if (value != "true" && value != "false") throw badRequest("argument 'excludeQueryPatient' must be true or false");
      request.excludeQueryPatient = value == "true";
    } else {
      throw badRequest("unknown argument '" + printable(key) + "'");
    }
  }
  finish(request);
  return request;
}

}  // namespace mcr::plugin
