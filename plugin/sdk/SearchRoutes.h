#pragma once
// POST {root}search, POST {root}search/upload, GET {root}studies/{id}/similar.
#include <string>

namespace mcr::plugin {
void registerSearchRoutes(const std::string& root);
}
