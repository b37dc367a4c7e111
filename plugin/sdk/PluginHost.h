#pragma once
// The plugin's one instance in Orthanc's process. SDK callbacks (REST routes, the change
// callback, job and metrics callbacks) carry no user data, so they reach it here and hand
// its PluginContext on explicitly; nothing below plugin/sdk reads a global.
#include <orthanc/OrthancCPlugin.h>

#include <memory>

#include "IngestWorker.h"
#include "PluginContext.h"
#include "SdkOrthancPort.h"

namespace mcr::plugin {

struct PluginHost {
  PluginHost(OrthancPluginContext* sdk, PluginConfig config);
  SdkOrthancPort port;
  PluginContext context;
  IngestWorker worker;
};

// Created once in OrthancPluginInitialize (after the configuration is read), destroyed in
// OrthancPluginFinalize.
void createHost(OrthancPluginContext* sdk, PluginConfig config);
void destroyHost();
bool hasHost();
PluginHost& host();

// Decodes with DCMTK first and, for transfer syntaxes it lacks (e.g. JPEG 2000), with
// Orthanc's own decoder (ImageDecoding.cpp).
DicomImageDecoder decoderWithOrthancFallback(OrthancPluginContext* sdk);

}  // namespace mcr::plugin
