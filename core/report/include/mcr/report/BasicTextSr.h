#pragma once
// The one DICOM SR writer of the project: a Basic Text SR built with DCMTK from plain report
// text, placed in an existing study. Used by the plugin (POST {root}studies/{id}/report) and
// by mcr-synth (the report of every phantom study), so both write the same template:
// a "Radiology Report" root container holding one TEXT item per paragraph, "FINDINGS:" and
// "IMPRESSION:" headings becoming the items' concept names (extractSrText reads them back
// as headings).
#include <map>
#include <stdexcept>
#include <string>

namespace mcr::report {

// The study's identifying tags by DICOM keyword, as Orthanc's /studies/{id} gives them:
// PatientID, PatientName, PatientBirthDate, PatientSex, StudyInstanceUID, StudyDate,
// StudyTime, AccessionNumber, StudyID, ReferringPhysicianName, StudyDescription.
// StudyInstanceUID is required.
using StudyTags = std::map<std::string, std::string>;

// What the report says of itself; empty UIDs are made new ("2.25." UUID-derived), empty
// numbers and dates are not written (the content date is then the time of writing).
struct SrSeries {
  std::string seriesInstanceUid;
  std::string sopInstanceUid;
  std::string seriesDescription = "MCR report";
  std::string manufacturer = "orthanc-mcr";
  std::string seriesNumber, instanceNumber;
  std::string contentDate, contentTime;
};

struct BuiltReport {
  std::string dicom;            // Part 10 bytes, explicit VR little endian, UTF-8
  std::string sopInstanceUid;
  std::string seriesInstanceUid;
};

// Throws std::invalid_argument for text that is empty, only headings or not valid UTF-8
// (isValidUtf8), std::runtime_error when DCMTK fails.
BuiltReport buildBasicTextSr(const StudyTags& study, const std::string& reportText, const SrSeries& series = {});

// A new UID under the UUID root: "2.25." and 128 random bits in decimal (ITU-T X.667).
std::string newUuidUid();

}  // namespace mcr::report
