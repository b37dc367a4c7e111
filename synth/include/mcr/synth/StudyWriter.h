#pragma once
// Writing one synthetic study: a CR image instance and a Basic Text SR in the same study,
// through DCMTK; or a PNG and a text file.
#include <stdexcept>
#include <string>
#include <vector>

#include "mcr/synth/Phantom.h"

namespace mcr::synth {

enum class TransferSyntax { ExplicitLittleEndian, JpegLossless, JpegLs, Rle };
const char* toString(TransferSyntax ts);  // "explicit", "jpeg-lossless", "jpeg-ls", "rle"
TransferSyntax parseTransferSyntax(const std::string& name);  // throws std::invalid_argument

struct StudyIdentity {
  std::string patientId;
  std::string patientName;   // DICOM PN, e.g. "SYNTHETIC^G000123"
  std::string patientSex;    // "F", "M" or ""
  std::string studyId;       // short study id (SH, <= 16 chars)
  std::string accession;     // <= 16 chars
  std::string studyDate;     // YYYYMMDD
  std::string studyTime;     // HHMMSS
  std::string studyInstanceUid;
  std::string imageSeriesUid, imageSopUid;
  std::string reportSeriesUid, reportSopUid;
};

// Fresh UIDs from dcmGenerateUniqueIdentifier (thread-safe wrapper).
std::string newUid();
void assignNewUids(StudyIdentity& identity);

// Registers DCMTK's JPEG, JPEG-LS and RLE encoders once (call before threads start; also
// called by writeImageDicom itself).
void registerDicomEncoders();

class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// CR Image Storage, 12 bits stored in 16 allocated, PA chest, PixelSpacing from
// kFieldOfViewMm. MONOCHROME1 inverts the stored values (0 = white). Throws WriteError.
void writeImageDicom(const std::string& path, const Phantom& phantom, const StudyIdentity& id, TransferSyntax ts,
                     bool monochrome1);
// Basic Text SR through mcr::report::buildBasicTextSr (the project's one SR template): a
// FINDINGS and an IMPRESSION text item ("None." when a section is empty), the report's
// series and SOP instance UIDs from `id`. Throws WriteError (also for text that is not
// UTF-8 or holds control characters).
void writeReportDicom(const std::string& path, const std::string& findings, const std::string& impression,
                      const StudyIdentity& id);

void writeImagePng(const std::string& path, const Phantom& phantom);
void writeTextFile(const std::string& path, const std::string& text);

}  // namespace mcr::synth
