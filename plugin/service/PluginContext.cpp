#include "PluginContext.h"

#include "mcr/image/DicomImageDecoder.h"

namespace mcr::plugin {

DicomImageDecoder coreDicomDecoder() {
  return [](const std::string& dicom) { return image::decodeDicomBuffer(dicom.data(), dicom.size()).image; };
}

}  // namespace mcr::plugin
