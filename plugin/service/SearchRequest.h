#pragma once
// The search request of POST {root}search, /search/upload and /studies/{id}/similar:
// parsed and validated here, without the Orthanc SDK or LibTorch, so that a libFuzzer
// target can hammer it. Every rejection is an HttpError(400) naming the problem.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcr::plugin {

enum class Target { Images, Reports, Studies };
const char* toString(Target target);

enum class QueryKind { Text, Instance, Study, Upload };

// HNSW search breadth when neither the request nor the configuration gives one. Text
// queries land far from every image embedding (a cross-modal query is out of the image
// graph's distribution): on 100k model vectors recall@10 was 0.82 at ef 64 and 0.92 at
// ef 256, at 0.18 ms p50 (docs/benchmarks.md, "100 000 model embeddings").
constexpr std::size_t kDefaultEf = 256;

struct SearchDefaults {
  std::size_t k = 10;
  std::size_t ef = kDefaultEf;
};

constexpr std::size_t kMaxK = 1000;
constexpr std::size_t kMaxEf = 10000;
constexpr std::size_t kMaxTextChars = 4000;

struct SearchRequest {
  QueryKind kind = QueryKind::Text;
  std::string text;                 // kind == Text (trimmed, non-empty)
  std::string id;                   // kind == Instance / Study: Orthanc id
  std::optional<Target> target;     // absent: the default for the query (docs/api.md)
  std::size_t k = 10;
  std::size_t ef = kDefaultEf;
  std::optional<std::string> modality;
  std::optional<std::string> studyDateFrom;  // YYYYMMDD
  std::optional<std::string> studyDateTo;
  bool excludeQueryPatient = false;
};

// The JSON body of POST /mcr/search.
SearchRequest parseSearchRequest(std::string_view body, const SearchDefaults& defaults);

// Options of POST /search/upload, from its X-MCR-Search header: a JSON object with target,
// k, ef, modality, studyDateFrom, studyDateTo (Orthanc gives plugins the query string of GET
// requests only). Empty text: the defaults.
SearchRequest parseUploadOptions(std::string_view headerJson, const SearchDefaults& defaults);

using QueryArguments = std::vector<std::pair<std::string, std::string>>;
// Query-string options of /search/upload (kind Upload) and /studies/{id}/similar (kind
// Study; the id is set by the caller). Only the options allowed for that kind are accepted.
SearchRequest parseSearchArguments(const QueryArguments& arguments, QueryKind kind,
                                   const SearchDefaults& defaults);

// An Orthanc id as the routes accept it: 1..64 chars of [0-9a-f-]. Throws 400 otherwise.
void validateOrthancId(std::string_view id, const char* what);

}  // namespace mcr::plugin
