#pragma once
// Everything the plugin's logic works with, made once in OrthancPluginInitialize (or by a
// test around a FakeOrthanc) and handed explicitly to the routes, the ingest worker and
// the reindex job. No global state in plugin/service.
#include <functional>
#include <mutex>
#include <string>

#include "ChangeQueue.h"
#include "Configuration.h"
#include "Generations.h"
#include "ModelIndex.h"
#include "OrthancPort.h"
#include "SearchService.h"
#include "StatusCounters.h"
#include "mcr/image/GrayImage.h"

namespace mcr::plugin {

// DICOM bytes -> image; throws image::DecodeError. The SDK's adds Orthanc's decoder as a
// fallback for transfer syntaxes DCMTK lacks.
using DicomImageDecoder = std::function<image::GrayImage(const std::string& dicom)>;
DicomImageDecoder coreDicomDecoder();

struct PluginContext {
  PluginContext(PluginConfig pluginConfig, orthanc::OrthancPort& port, DicomImageDecoder decoder)
      : config(std::move(pluginConfig)),
        orthanc(port),
        decodeImage(std::move(decoder)),
        generations(config.indexDirectory),
        changes(config.maxQueue),
        status([&port](orthanc::LogLevel level, const std::string& m) { port.log(level, m); }) {}
  PluginContext(const PluginContext&) = delete;
  PluginContext& operator=(const PluginContext&) = delete;

  const PluginConfig config;
  orthanc::OrthancPort& orthanc;
  const DicomImageDecoder decodeImage;
  const Generations generations;
  ServingSlot serving;
  ChangeQueue changes;
  StatusCounters status;
  ResultCache results;
  // One writer of the serving index at a time: the worker holds it per batch, a reindex
  // to catch up and swap.
  std::mutex ingestMutex;
};

}  // namespace mcr::plugin
