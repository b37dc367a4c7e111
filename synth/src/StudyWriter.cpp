#include "mcr/synth/StudyWriter.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <cstdio>
#include <fstream>
#include <mutex>

#include "mcr/image/ImageOps.h"
#include "mcr/report/BasicTextSr.h"

namespace mcr::synth {
namespace {

void check(const OFCondition& cond, const std::string& what) {
  if (cond.bad()) throw WriteError(what + ": " + cond.text());
}

void put(DcmItem& ds, const DcmTagKey& tag, const std::string& value, const char* what) {
  check(ds.putAndInsertString(tag, value.c_str()), std::string("cannot set ") + what);
}

constexpr const char* kStudyDescription = "XR CHEST PA (SYNTHETIC)";

std::string formatMm(double mm) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", mm);
  return buf;
}

// One paragraph per section: a line break inside a CSV field is a space, not a new
// section (a blank line would otherwise start an untitled paragraph).
std::string oneParagraph(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out.find_first_not_of(" \t") == std::string::npos ? std::string("None.") : out;
}

}  // namespace

const char* toString(TransferSyntax ts) {
  switch (ts) {
    case TransferSyntax::ExplicitLittleEndian: return "explicit";
    case TransferSyntax::JpegLossless: return "jpeg-lossless";
    case TransferSyntax::JpegLs: return "jpeg-ls";
    case TransferSyntax::Rle: return "rle";
  }
  return "explicit";
}

TransferSyntax parseTransferSyntax(const std::string& name) {
  for (TransferSyntax ts : {TransferSyntax::ExplicitLittleEndian, TransferSyntax::JpegLossless, TransferSyntax::JpegLs,
                            TransferSyntax::Rle})
    if (name == toString(ts)) return ts;
  throw std::invalid_argument("unknown transfer syntax '" + name + "' (explicit, jpeg-lossless, jpeg-ls, rle)");
}

std::string newUid() {
  static std::mutex mutex;  // dcmGenerateUniqueIdentifier keeps a process-wide counter
  std::lock_guard<std::mutex> lock(mutex);
  char buf[100];
  return dcmGenerateUniqueIdentifier(buf, SITE_INSTANCE_UID_ROOT);
}

void assignNewUids(StudyIdentity& id) {
  id.studyInstanceUid = newUid();
  id.imageSeriesUid = newUid();
  id.imageSopUid = newUid();
  id.reportSeriesUid = newUid();
  id.reportSopUid = newUid();
}

void registerDicomEncoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
  });
}

void writeImageDicom(const std::string& path, const Phantom& phantom, const StudyIdentity& id, TransferSyntax ts,
                     bool monochrome1) {
  registerDicomEncoders();
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  put(ds, DCM_SpecificCharacterSet, "ISO_IR 100", "SpecificCharacterSet");
  put(ds, DCM_SOPClassUID, UID_ComputedRadiographyImageStorage, "SOPClassUID");
  put(ds, DCM_SOPInstanceUID, id.imageSopUid, "SOPInstanceUID");
  put(ds, DCM_ImageType, "DERIVED\\PRIMARY", "ImageType");
  put(ds, DCM_StudyDate, id.studyDate, "StudyDate");
  put(ds, DCM_SeriesDate, id.studyDate, "SeriesDate");
  put(ds, DCM_ContentDate, id.studyDate, "ContentDate");
  put(ds, DCM_StudyTime, id.studyTime, "StudyTime");
  put(ds, DCM_SeriesTime, id.studyTime, "SeriesTime");
  put(ds, DCM_ContentTime, id.studyTime, "ContentTime");
  put(ds, DCM_AccessionNumber, id.accession, "AccessionNumber");
  put(ds, DCM_Modality, "CR", "Modality");
  put(ds, DCM_Manufacturer, "orthanc-mcr mcr-synth (synthetic phantom)", "Manufacturer");
  put(ds, DCM_ReferringPhysicianName, "", "ReferringPhysicianName");
  put(ds, DCM_StudyDescription, kStudyDescription, "StudyDescription");
  put(ds, DCM_SeriesDescription, "PA (synthetic phantom)", "SeriesDescription");
  put(ds, DCM_PatientName, id.patientName, "PatientName");
  put(ds, DCM_PatientID, id.patientId, "PatientID");
  put(ds, DCM_PatientBirthDate, "", "PatientBirthDate");
  put(ds, DCM_PatientSex, id.patientSex, "PatientSex");
  put(ds, DCM_BodyPartExamined, "CHEST", "BodyPartExamined");
  put(ds, DCM_ViewPosition, "PA", "ViewPosition");
  put(ds, DCM_StudyInstanceUID, id.studyInstanceUid, "StudyInstanceUID");
  put(ds, DCM_SeriesInstanceUID, id.imageSeriesUid, "SeriesInstanceUID");
  put(ds, DCM_StudyID, id.studyId, "StudyID");
  put(ds, DCM_SeriesNumber, "1", "SeriesNumber");
  put(ds, DCM_InstanceNumber, "1", "InstanceNumber");
  put(ds, DCM_PatientOrientation, "L\\F", "PatientOrientation");  // PA: columns to the patient's left, rows to the feet
  put(ds, DCM_BurnedInAnnotation, "NO", "BurnedInAnnotation");
  const std::string spacing = formatMm(kFieldOfViewMm / phantom.size);
  put(ds, DCM_PixelSpacing, spacing + "\\" + spacing, "PixelSpacing");
  put(ds, DCM_ImagerPixelSpacing, spacing + "\\" + spacing, "ImagerPixelSpacing");
  put(ds, DCM_PhotometricInterpretation, monochrome1 ? "MONOCHROME1" : "MONOCHROME2", "PhotometricInterpretation");
  check(ds.putAndInsertUint16(DCM_SamplesPerPixel, 1), "SamplesPerPixel");
  check(ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(phantom.size)), "Rows");
  check(ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(phantom.size)), "Columns");
  check(ds.putAndInsertUint16(DCM_BitsAllocated, 16), "BitsAllocated");
  check(ds.putAndInsertUint16(DCM_BitsStored, kBitsStored), "BitsStored");
  check(ds.putAndInsertUint16(DCM_HighBit, kBitsStored - 1), "HighBit");
  check(ds.putAndInsertUint16(DCM_PixelRepresentation, 0), "PixelRepresentation");
  put(ds, DCM_WindowCenter, std::to_string(kMaxPixelValue / 2 + 1), "WindowCenter");
  put(ds, DCM_WindowWidth, std::to_string(kMaxPixelValue + 1), "WindowWidth");
  put(ds, DCM_RescaleIntercept, "0", "RescaleIntercept");
  put(ds, DCM_RescaleSlope, "1", "RescaleSlope");
  put(ds, DCM_RescaleType, "US", "RescaleType");
  std::vector<Uint16> pixels(phantom.pixels.begin(), phantom.pixels.end());
  if (monochrome1)
    for (Uint16& p : pixels) p = static_cast<Uint16>(kMaxPixelValue - p);
  check(ds.putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size())), "PixelData");

  E_TransferSyntax xfer = EXS_LittleEndianExplicit;
  if (ts == TransferSyntax::JpegLossless) {
    DJ_RPLossless params(6, 0);  // process 14, selection value 1
    xfer = EXS_JPEGProcess14SV1;
    check(ds.chooseRepresentation(xfer, &params), "JPEG lossless encoding");
  } else if (ts == TransferSyntax::JpegLs) {
    DJLSRepresentationParameter params(0, OFTrue);
    xfer = EXS_JPEGLSLossless;
    check(ds.chooseRepresentation(xfer, &params), "JPEG-LS encoding");
  } else if (ts == TransferSyntax::Rle) {
    xfer = EXS_RLELossless;
    check(ds.chooseRepresentation(xfer, nullptr), "RLE encoding");
  }
  if (!ds.canWriteXfer(xfer)) throw WriteError("cannot write transfer syntax " + std::string(toString(ts)));
  check(file.saveFile(path.c_str(), xfer), "cannot write '" + path + "'");
}

void writeReportDicom(const std::string& path, const std::string& findings, const std::string& impression,
                      const StudyIdentity& id) {
  const report::StudyTags study{{"PatientID", id.patientId},     {"PatientName", id.patientName},
                                {"PatientSex", id.patientSex},   {"StudyInstanceUID", id.studyInstanceUid},
                                {"StudyDate", id.studyDate},     {"StudyTime", id.studyTime},
                                {"StudyID", id.studyId},         {"AccessionNumber", id.accession},
                                {"StudyDescription", kStudyDescription}};
  report::SrOptions options;
  options.sopInstanceUid = id.reportSopUid;  // assigned with the study's other UIDs
  options.seriesInstanceUid = id.reportSeriesUid;
  options.seriesNumber = "2";  // the image is series 1
  options.seriesDescription = "Report (synthetic)";
  options.manufacturer = "orthanc-mcr mcr-synth";
  options.contentDate = id.studyDate;
  options.contentTime = id.studyTime;
  report::BuiltReport built;
  try {
    built = report::buildBasicTextSr(
        study, "FINDINGS: " + oneParagraph(findings) + "\n\nIMPRESSION: " + oneParagraph(impression), options);
  } catch (const std::exception& e) {
    throw WriteError("cannot build the report SR: " + std::string(e.what()));
  }
  std::ofstream out(path, std::ios::binary);
  out.write(built.dicom.data(), static_cast<std::streamsize>(built.dicom.size()));
  if (!out) throw WriteError("cannot write '" + path + "'");
}

void writeImagePng(const std::string& path, const Phantom& phantom) {
  try {
    mcr::image::savePng(toGrayImage(phantom), path);
  } catch (const std::exception& e) {
    throw WriteError("cannot write '" + path + "': " + e.what());
  }
}

void writeTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text << '\n';
  if (!out) throw WriteError("cannot write '" + path + "'");
}

}  // namespace mcr::synth
