// libFuzzer target: arbitrary bytes as the body of POST /mcr/search, and as query-string
// arguments of /studies/{id}/similar and as the X-MCR-Search header of /search/upload. Each input must either parse into
// a valid request or be rejected with HttpError(400); anything else (a crash, another
// exception, a request that breaks the invariants) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "HttpError.h"
#include "SearchRequest.h"

using namespace mcr::plugin;

namespace {

// `idSetByCaller`: /studies/{id}/similar takes its id from the path, not from the arguments.
void checkInvariants(const SearchRequest& r, bool idSetByCaller = false) {
  bool ok = r.k >= 1 && r.k <= kMaxK && r.ef >= r.k && r.ef <= kMaxEf;
  if (r.kind == QueryKind::Text) ok = ok && !r.text.empty() && !r.excludeQueryPatient;
  if ((r.kind == QueryKind::Instance || r.kind == QueryKind::Study) && !idSetByCaller)
    ok = ok && !r.id.empty() && r.id.size() <= 64;
  if (r.studyDateFrom) ok = ok && r.studyDateFrom->size() == 8;
  if (r.studyDateTo) ok = ok && r.studyDateTo->size() == 8;
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  try {
    checkInvariants(parseSearchRequest(input, SearchDefaults{}));
  } catch (const HttpError& e) {
    if (e.status() != 400) std::abort();
  }
  // The same bytes as the X-MCR-Search header of an upload.
  try {
    checkInvariants(parseUploadOptions(input, SearchDefaults{}));
  } catch (const HttpError& e) {
    if (e.status() != 400) std::abort();
  }
  // The same bytes as "key=value&key=value" query arguments.
  QueryArguments arguments;
  std::size_t start = 0;
  while (start < input.size()) {
    std::size_t end = input.find('&', start);
    if (end == std::string::npos) end = input.size();
    std::string pair = input.substr(start, end - start);
    std::size_t eq = pair.find('=');
    arguments.emplace_back(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
    start = end + 1;
  }
  for (QueryKind kind : {QueryKind::Upload, QueryKind::Study}) {
    try {
      checkInvariants(parseSearchArguments(arguments, kind, SearchDefaults{}), true);
    } catch (const HttpError& e) {
      if (e.status() != 400) std::abort();
    }
  }
  return 0;
}
