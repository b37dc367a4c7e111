#include "PluginHost.h"

namespace mcr::plugin {

namespace {
std::unique_ptr<PluginHost> g_host;
}

PluginHost::PluginHost(OrthancPluginContext* sdk, PluginConfig config)
    : port(sdk), context(std::move(config), port, decoderWithOrthancFallback(sdk)), worker(context) {}

void createHost(OrthancPluginContext* sdk, PluginConfig config) {
  g_host = std::make_unique<PluginHost>(sdk, std::move(config));
}

void destroyHost() { g_host.reset(); }
bool hasHost() { return g_host != nullptr; }
PluginHost& host() { return *g_host; }

}  // namespace mcr::plugin
