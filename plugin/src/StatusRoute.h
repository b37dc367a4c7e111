#pragma once
// GET /plugins/mcr/status: always answers, also when the model failed to load.
#include <boost/json/value.hpp>

namespace mcr::plugin {
void registerStatusRoute();
boost::json::value statusJson();
}
