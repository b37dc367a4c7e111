#pragma once
// GET /plugins/mcr/status: always answers, also when the model failed to load.
namespace mcr::plugin {

void registerStatusRoute();

}  // namespace mcr::plugin
