#pragma once
// The JSON of GET /plugins/mcr/status (docs/api.md).
#include <boost/json/value.hpp>

namespace mcr::plugin {

struct PluginContext;

boost::json::value statusJson(PluginContext& context, const char* version);

}  // namespace mcr::plugin
