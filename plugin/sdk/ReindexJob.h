#pragma once
// POST {root}reindex: an Orthanc job that loads a bundle, re-embeds every stored instance
// into a new index generation and then swaps model + index atomically.
#include <string>
namespace mcr::plugin {
void registerReindexRoute(const std::string& root);
}
