#pragma once
// Cross-modal search on the serving state: resolves a query (text, stored instance or
// study, uploaded image/report) to a vector, searches the target space with the filters,
// and formats the results as docs/api.md describes.
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "Engine.h"
#include "SearchRequest.h"

namespace mcr::plugin {

struct QueryVector {
  std::vector<float> vector;
  Target defaultTarget = Target::Images;
  std::string patient;          // the query's own patient (stored queries)
  std::string excludeInstance;  // the query item itself
  std::string excludeStudy;
};

// The serving state, or HttpError 503 with the reason.
std::shared_ptr<LoadedState> requireReady();

// For kinds Text, Instance and Study; 404 for unknown or unindexed ids.
QueryVector resolveQuery(LoadedState& state, const SearchRequest& request);

boost::json::object runSearch(LoadedState& state, const SearchRequest& request, const QueryVector& query,
                              double startedMs);

double nowMs();

// Drops cached snippets/previews of a study whose vectors changed.
void forgetStudy(const std::string& studyId);

}  // namespace mcr::plugin
