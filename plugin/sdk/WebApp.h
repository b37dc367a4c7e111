#pragma once
// The embedded web app at {root}app/ and its Orthanc Explorer button ("Similar cases").
#include <string>
namespace mcr::plugin {
void registerWebApp(const std::string& root);
void extendOrthancExplorer(const std::string& root);
}
