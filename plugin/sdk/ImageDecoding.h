#pragma once
// DICOM bytes -> grayscale image: the core DCMTK decoder first; when it cannot handle the
// transfer syntax (e.g. JPEG 2000), Orthanc's own decoder (OrthancPluginDecodeDicomImage).
#include <orthanc/OrthancCPlugin.h>

#include <string>

#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/GrayImage.h"

namespace mcr::plugin {

// Throws image::DecodeError (with its code) when neither decoder gives an image.
image::GrayImage decodeWithFallback(OrthancPluginContext* sdk, const std::string& dicom);

// PNG or DICOM bytes from an upload? (sniffed, never trusts Content-Type)
bool looksLikePng(const std::string& bytes);
bool looksLikeDicom(const std::string& bytes);

}  // namespace mcr::plugin
